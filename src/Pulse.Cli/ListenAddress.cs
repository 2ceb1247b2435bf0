using System.Globalization;

namespace Pulse.Cli;

/// <summary>A <c>--listen</c> value: <c>HOST:PORT</c>, <c>[IPv6]:PORT</c>, <c>:PORT</c> or <c>PORT</c>.</summary>
internal readonly record struct ListenAddress(string Host, int Port)
{
    public const string DefaultHost = "127.0.0.1";

    /// <summary>Parses <paramref name="value"/>; a bad value is a usage error naming <paramref name="source"/> (a flag or a configuration key).</summary>
    public static ListenAddress Parse(string value, string source = "--listen")
    {
        var text = value.Trim();
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                throw new UsageException($"{Describe(source, value)}: expected [IPv6]:PORT");
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
            throw new UsageException($"{Describe(source, value)}: expected HOST:PORT, the port a number from 0 to 65535");
        }

        return new ListenAddress(host, number);
    }

    /// <summary><c>--flag 'value'</c> for a flag, <c>Key = 'value'</c> for a configuration key.</summary>
    public static string Describe(string source, string value) =>
        source.StartsWith("--", StringComparison.Ordinal) ? $"{source} '{value}'" : $"{source} = '{value}'";
}
