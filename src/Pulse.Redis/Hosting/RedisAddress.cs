using System.Globalization;

namespace Pulse.Redis.Hosting;

/// <summary>Parses <c>host:port</c>, <c>[IPv6]:port</c> or <c>host</c> (port 6379) for Redis. Pure.</summary>
internal static class RedisAddress
{
    /// <summary>The host and port of <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentException">It is not an address; the message says why in one line.</exception>
    public static (string Host, int Port) Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim();
        string host;
        var portText = "6379";
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                throw new ArgumentException($"'{address}' is not a Redis address: expected HOST:PORT or [IPv6]:PORT");
            }

            host = text[1..close];
            if (close + 1 < text.Length)
            {
                portText = text[(close + 2)..];
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw new ArgumentException($"'{address}' is not a Redis address: write an IPv6 address as [IPv6]:PORT");
            }

            host = colon < 0 ? text : text[..colon];
            if (colon >= 0)
            {
                portText = text[(colon + 1)..];
            }
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"'{address}' is not a Redis address: the host is empty");
        }

        return int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? (host, port)
            : throw new ArgumentException($"'{address}' is not a Redis address: the port must be 1-65535");
    }
}
