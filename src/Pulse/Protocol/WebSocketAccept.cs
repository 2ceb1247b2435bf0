namespace Pulse.Protocol;

/// <summary>The <c>Sec-WebSocket-Key</c> / <c>Sec-WebSocket-Accept</c> pair (RFC 6455 §4.2.2 item 5.4).</summary>
public static class WebSocketAccept
{
    /// <summary>A new random key: 16 random bytes, base64-encoded.</summary>
    public static string NewKey() => throw new NotImplementedException();

    /// <summary>Whether <paramref name="key"/> is base64 that decodes to exactly 16 bytes.</summary>
    public static bool IsValidKey(string key) => throw new NotImplementedException();

    /// <summary>base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).</summary>
    public static string Compute(string key) => throw new NotImplementedException();
}
