using System.Globalization;

namespace Pulse.Cli;

/// <summary>A <c>--listen</c> value: <c>HOST:PORT</c>, <c>[IPv6]:PORT</c>, <c>:PORT</c> or <c>PORT</c>.</summary>
internal readonly record struct ListenAddress(string Host, int Port)
{
    public const string DefaultHost = "127.0.0.1";

    public static ListenAddress Parse(string value)
    {
        var text = value.Trim();
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                throw new UsageException($"--listen '{value}': expected [IPv6]:PORT");
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else if (text.LastIndexOf(':') is var colon and >= 0)
        {
            host = colon == 0 ? DefaultHost : text[..colon];
            port = text[(colon + 1)..];
        }
        else
        {
            host = DefaultHost;
            port = text;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535)
        {
            throw new UsageException($"--listen '{value}': the port must be a number from 0 to 65535");
        }

        return new ListenAddress(host, number);
    }
}
