using System.Globalization;
using StackExchange.Redis;

namespace Pulse.Redis.Engine;

/// <summary>
/// Reads the engine's Redis configuration string: StackExchange.Redis's own syntax, of which Pulse's older
/// <c>HOST:PORT[,HOST:PORT…]</c> is a part. Pure.
/// </summary>
public static class RedisConfiguration
{
    /// <summary>
    /// Parses <paramref name="configuration"/>. Unless the string sets them, the engine's choices apply: start
    /// serving while Redis is still unreachable (<c>abortConnect=false</c>), fail a command at once rather than
    /// queue it while disconnected (the hub answers 503 and the client retries), reconnect quickly (100 ms,
    /// doubling to 2 s), and name the connections <c>pulse</c>.
    /// </summary>
    /// <exception cref="ArgumentException">It is not a configuration string; the message says why in one line.</exception>
    public static ConfigurationOptions Parse(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var parts = configuration.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException("the Redis configuration is empty: expected HOST:PORT, optionally followed by options (password=..., ssl=true, serviceName=...)");
        }

        foreach (var part in parts.Where(part => !part.Contains('=', StringComparison.Ordinal)))
        {
            CheckEndPoint(part);
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{Mask(configuration)}' is not a Redis configuration: {e.Message.Split('\n')[0].Trim()}", e);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException($"'{Mask(configuration)}' is not a Redis configuration: it names no server (HOST:PORT)");
        }

        var says = parts.Select(part => part.Split('=', 2)[0].Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (!says.Contains("abortconnect"))
        {
            options.AbortOnConnectFail = false;
        }

        if (!says.Contains("name"))
        {
            options.ClientName = "pulse";
        }

        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new ExponentialRetry(100, 2000);
        return options;
    }

    /// <summary>
    /// Checks one <c>host:port</c>, <c>[IPv6]:port</c> or <c>host</c> (port 6379), with the one-line messages
    /// the older form had.
    /// </summary>
    private static void CheckEndPoint(string endPoint)
    {
        string host;
        string? port = null;
        if (endPoint.StartsWith('['))
        {
            var close = endPoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < endPoint.Length && endPoint[close + 1] != ':'))
            {
                throw new ArgumentException($"'{endPoint}' is not a Redis address: expected HOST:PORT or [IPv6]:PORT");
            }

            host = endPoint[1..close];
            port = close + 1 < endPoint.Length ? endPoint[(close + 2)..] : null;
        }
        else
        {
            var colon = endPoint.LastIndexOf(':');
            if (colon >= 0 && endPoint.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw new ArgumentException($"'{endPoint}' is not a Redis address: write an IPv6 address as [IPv6]:PORT");
            }

            host = colon < 0 ? endPoint : endPoint[..colon];
            port = colon < 0 ? null : endPoint[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"'{endPoint}' is not a Redis address: the host is empty");
        }

        if (port is not null && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536))
        {
            throw new ArgumentException($"'{endPoint}' is not a Redis address: the port must be 1-65535");
        }
    }

    /// <summary>The configuration string with its password hidden, for messages.</summary>
    public static string Mask(string configuration) =>
        string.Join(',', configuration.Split(',').Select(part => part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=********" : part));
}
