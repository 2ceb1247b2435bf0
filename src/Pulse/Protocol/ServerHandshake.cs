namespace Pulse.Protocol;

/// <summary>
/// The server side of the opening handshake (RFC 6455 §4.2): checks a request and builds the 101 response,
/// or the refusal that says what is wrong.
/// </summary>
public sealed class ServerHandshake
{
    /// <summary>Creates the handshake policy.</summary>
    /// <param name="origins">Allowed origins, or null to allow any.</param>
    /// <param name="subprotocols">Subprotocols the server speaks, most preferred first; empty for none.</param>
    public ServerHandshake(OriginPolicy? origins, IReadOnlyList<string> subprotocols) => throw new NotImplementedException();

    /// <summary>
    /// Checks <paramref name="request"/>. Refusals: 405 when the method is not GET, 426 (with
    /// <c>Sec-WebSocket-Version: 13</c>) when the version is not 13 or the request is not an upgrade at all,
    /// 400 when a required header is missing or malformed, 403 when the origin is not allowed.
    /// The body of a refusal is one line of plain text saying why.
    /// </summary>
    public ServerHandshakeResult Accept(HandshakeRequest request) => throw new NotImplementedException();
}
