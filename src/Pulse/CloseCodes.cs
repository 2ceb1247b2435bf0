namespace Pulse;

/// <summary>Rules about <see cref="CloseCode"/> values.</summary>
public static class CloseCodes
{
    /// <summary>
    /// Whether <paramref name="code"/> may appear in a close frame on the wire (RFC 6455 §7.4.1, §7.4.2):
    /// 1000–1003, 1007–1014 and 3000–4999.
    /// </summary>
    public static bool IsValidOnWire(int code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };

    /// <summary>Whether a close with <paramref name="code"/> is a normal end: 1000, 1001 or no status at all.</summary>
    public static bool IsOk(CloseCode code) =>
        code is CloseCode.NormalClosure or CloseCode.GoingAway or CloseCode.NoStatusReceived;

    /// <summary>The RFC name of a code, in words, for messages such as "received 1001 (going away)".</summary>
    public static string Describe(CloseCode code) => code switch
    {
        CloseCode.NormalClosure => "OK",
        CloseCode.GoingAway => "going away",
        CloseCode.ProtocolError => "protocol error",
        CloseCode.UnsupportedData => "unsupported data",
        CloseCode.NoStatusReceived => "no status received",
        CloseCode.AbnormalClosure => "abnormal closure",
        CloseCode.InvalidPayloadData => "invalid frame payload data",
        CloseCode.PolicyViolation => "policy violation",
        CloseCode.MessageTooBig => "message too big",
        CloseCode.MandatoryExtension => "mandatory extension",
        CloseCode.InternalError => "internal error",
        CloseCode.ServiceRestart => "service restart",
        CloseCode.TryAgainLater => "try again later",
        CloseCode.BadGateway => "bad gateway",
        CloseCode.TlsHandshakeFailure => "TLS handshake failure",
        >= (CloseCode)3000 and <= (CloseCode)3999 => "registered",
        >= (CloseCode)4000 and <= (CloseCode)4999 => "private use",
        _ => "unknown",
    };
}
