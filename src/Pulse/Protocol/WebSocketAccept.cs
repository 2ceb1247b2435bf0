using System.Security.Cryptography;
using System.Text;

namespace Pulse.Protocol;

/// <summary>The <c>Sec-WebSocket-Key</c> / <c>Sec-WebSocket-Accept</c> pair (RFC 6455 §4.2.2 item 5.4).</summary>
public static class WebSocketAccept
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    // RFC 6455 §4.1: the key is 16 bytes, so its base64 form is always 22 characters and "==".
    private const int KeyLength = 24;

    /// <summary>A new random key: 16 random bytes, base64-encoded.</summary>
    public static string NewKey()
    {
        // RFC 6455 §4.1 item 7: the nonce must be randomly selected for each connection.
        Span<byte> nonce = stackalloc byte[16];
        RandomNumberGenerator.Fill(nonce);
        return Convert.ToBase64String(nonce);
    }

    /// <summary>Whether <paramref name="key"/> is base64 that decodes to exactly 16 bytes.</summary>
    public static bool IsValidKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);

        // The length check also refuses the whitespace that Convert.TryFromBase64String would skip.
        Span<byte> nonce = stackalloc byte[16];
        return key.Length == KeyLength && Convert.TryFromBase64String(key, nonce, out var written) && written == nonce.Length;
    }

    /// <summary>base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).</summary>
    public static string Compute(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var length = key.Length + Guid.Length;
        Span<byte> input = length <= 256 ? stackalloc byte[length] : new byte[length];

        // Latin-1 gives back the key's bytes as they were on the wire, since headers are decoded as Latin-1.
        Encoding.Latin1.GetBytes(key, input);
        Encoding.Latin1.GetBytes(Guid, input[key.Length..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];

        // RFC 6455 §4.2.2 prescribes SHA-1; it proves the server read the handshake, not secrecy.
#pragma warning disable CA5350
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }
}
