namespace Pulse;

/// <summary>
/// Status codes of a close frame (RFC 6455 §7.4, IANA "WebSocket Close Code Number Registry").
/// </summary>
/// <remarks>
/// <para>
/// Codes that mean "the peer may reconnect": <see cref="GoingAway"/>, <see cref="InternalError"/>,
/// <see cref="ServiceRestart"/>, <see cref="TryAgainLater"/> and <see cref="AbnormalClosure"/>.
/// Codes that mean "do not retry as is": <see cref="ProtocolError"/>, <see cref="UnsupportedData"/>,
/// <see cref="InvalidPayloadData"/>, <see cref="PolicyViolation"/>, <see cref="MessageTooBig"/>
/// and <see cref="MandatoryExtension"/>.
/// </para>
/// <para>
/// Ranges: 1000–2999 belong to the RFC and its extensions; 3000–3999 are registered with IANA by
/// libraries and frameworks; 4000–4999 are private, free for applications. Any value in those ranges
/// may be cast to <see cref="CloseCode"/>. <see cref="NoStatusReceived"/>, <see cref="AbnormalClosure"/>
/// and <see cref="TlsHandshakeFailure"/> are never sent on the wire: they report what happened.
/// </para>
/// </remarks>
public enum CloseCode
{
    /// <summary>1000: the purpose of the connection has been fulfilled.</summary>
    NormalClosure = 1000,

    /// <summary>1001: an endpoint is going away (server shutting down, browser leaving the page).</summary>
    GoingAway = 1001,

    /// <summary>1002: the peer broke the protocol.</summary>
    ProtocolError = 1002,

    /// <summary>1003: the peer sent a kind of data the endpoint cannot accept.</summary>
    UnsupportedData = 1003,

    /// <summary>1005 (never sent): the close frame carried no status code.</summary>
    NoStatusReceived = 1005,

    /// <summary>1006 (never sent): the connection ended without a close frame.</summary>
    AbnormalClosure = 1006,

    /// <summary>1007: a message's data was inconsistent with its type, such as invalid UTF-8 in a text message.</summary>
    InvalidPayloadData = 1007,

    /// <summary>1008: a message violated the endpoint's policy.</summary>
    PolicyViolation = 1008,

    /// <summary>1009: a message was too big to process.</summary>
    MessageTooBig = 1009,

    /// <summary>1010: the client expected the server to negotiate an extension it did not.</summary>
    MandatoryExtension = 1010,

    /// <summary>1011: the server met an unexpected condition (also used when a ping went unanswered).</summary>
    InternalError = 1011,

    /// <summary>1012: the service is restarting; reconnect.</summary>
    ServiceRestart = 1012,

    /// <summary>1013: try again later (overload, or the connection was too slow to keep up).</summary>
    TryAgainLater = 1013,

    /// <summary>1014: a gateway or proxy received an invalid response from upstream.</summary>
    BadGateway = 1014,

    /// <summary>1015 (never sent): the TLS handshake failed.</summary>
    TlsHandshakeFailure = 1015,
}
