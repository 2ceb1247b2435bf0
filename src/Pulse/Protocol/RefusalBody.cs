using System.Buffers;
using System.Globalization;

namespace Pulse.Protocol;

/// <summary>
/// The body of a response that refused the upgrade, which usually says why ("invalid token"). Framed as RFC 9112
/// §6.3 says: the chunked transfer coding (§7.1), else <c>Content-Length</c>, else everything until the connection
/// closes. Only its first <see cref="Limit"/> bytes are wanted, so a huge or endless body costs nothing more.
/// </summary>
internal static class RefusalBody
{
    /// <summary>The most body bytes decoded.</summary>
    public const int Limit = 4096;

    /// <summary>The most bytes of the encoded body looked at: room for the limit in small chunks.</summary>
    public const int MaxEncoded = 4 * Limit;

    /// <summary>
    /// Decodes what of the body <paramref name="received"/> holds (the bytes after the response head, from the
    /// start of the body, decoded again from there on every call).
    /// </summary>
    /// <returns>
    /// True when nothing more is wanted: the body has ended, <see cref="Limit"/> bytes are decoded, or the chunked
    /// framing is broken (what came before the break is kept). False when more bytes would add to it.
    /// </returns>
    public static bool TryDecode(ReadOnlySequence<byte> received, HandshakeResponse response, out byte[] body)
    {
        ArgumentNullException.ThrowIfNull(response);
        var encoded = received.Length > MaxEncoded ? received.Slice(0, MaxEncoded).ToArray() : received.ToArray();

        // RFC 9110 §15.3.5, §15.4.5: 204 and 304 have no body, whatever the headers say.
        if (response.StatusCode is 204 or 304)
        {
            body = [];
            return true;
        }

        if (IsChunked(response.Headers))
        {
            return TryDecodeChunked(encoded, out body);
        }

        if (long.TryParse(response.Headers["Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            var wanted = (int)Math.Min(length, Limit);
            body = encoded.AsSpan(0, Math.Min(wanted, encoded.Length)).ToArray();
            return encoded.Length >= wanted;
        }

        // Neither: the body runs until the connection closes (§6.3 item 8).
        body = encoded.AsSpan(0, Math.Min(Limit, encoded.Length)).ToArray();
        return encoded.Length >= Limit;
    }

    // §6.3 item 4: chunked when it is the final transfer coding.
    private static bool IsChunked(HeaderFields headers)
    {
        var codings = HttpSyntax.ListElements(headers.GetValues("Transfer-Encoding"));
        return codings.Count > 0 && string.Equals(codings[^1], "chunked", StringComparison.OrdinalIgnoreCase);
    }

    // §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; last-chunk = 1*"0" [ chunk-ext ] CRLF.
    private static bool TryDecodeChunked(ReadOnlySpan<byte> encoded, out byte[] body)
    {
        var decoded = new ArrayBufferWriter<byte>();
        var position = 0;
        while (true)
        {
            var lineEnd = encoded[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                body = decoded.WrittenSpan.ToArray();
                return encoded.Length - position > 64; // a size line this long is no size line
            }

            var sizeLine = encoded.Slice(position, lineEnd);
            var extension = sizeLine.IndexOf((byte)';');
            var sizeText = (extension < 0 ? sizeLine : sizeLine[..extension]).TrimEnd(" \t"u8);
            if (!long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0 || sizeText.Length > 16)
            {
                body = decoded.WrittenSpan.ToArray();
                return true;
            }

            position += lineEnd + 2;
            if (size == 0)
            {
                body = decoded.WrittenSpan.ToArray();
                return true;
            }

            var available = encoded.Length - position;
            var take = (int)Math.Min(Math.Min(size, available), Limit - decoded.WrittenCount);
            decoded.Write(encoded.Slice(position, take));
            if (decoded.WrittenCount >= Limit)
            {
                body = decoded.WrittenSpan.ToArray();
                return true;
            }

            if (available < size + 2)
            {
                body = decoded.WrittenSpan.ToArray();
                return false;
            }

            position += (int)size + 2;
        }
    }
}
