using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Pulse.Redis.Engine;

/// <summary>How the hub's Redis engine runs.</summary>
public sealed class RedisEngineOptions
{
    /// <summary>
    /// Where Redis is, as a StackExchange.Redis configuration string: <c>host:port</c> (or several, comma-separated,
    /// the endpoints of one deployment), then any of its options, such as <c>user=</c>, <c>password=</c>,
    /// <c>ssl=true</c>, <c>protocol=resp3</c> or <c>serviceName=</c> (Sentinel). The default is 127.0.0.1:6379.
    /// </summary>
    /// <remarks>See <see cref="RedisConfiguration.Parse"/> for what the engine sets unless the string says otherwise.</remarks>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>
    /// Changes the parsed configuration before connecting: credentials from elsewhere, a TLS certificate check,
    /// reconnection timing. Null changes nothing.
    /// </summary>
    public Action<ConfigurationOptions>? ConfigureRedis { get; set; }

    /// <summary>The prefix of every key and Pub/Sub channel, so several hubs can share one Redis. The default is "pulse".</summary>
    public string Prefix { get; set; } = "pulse";

    /// <summary>This node's id; the default is random.</summary>
    public string NodeId { get; set; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>How often the node writes its heartbeat; it counts as gone after three missed. The default is 2 seconds.</summary>
    public TimeSpan NodeHeartbeat { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a channel's epoch and offset outlive its last publication or read. History itself lasts only
    /// its channel's TTL, but keeping the offset longer lets clients see that they missed something rather than
    /// meet a new epoch. The default is one day.
    /// </summary>
    public TimeSpan StreamMetaTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Logs connection events.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks the values and parses <see cref="Configuration"/>.</summary>
    /// <returns>The configuration the engine connects with (<see cref="ConfigureRedis"/> applied).</returns>
    /// <exception cref="ArgumentException">A value is invalid; the message names it, in one line.</exception>
    public ConfigurationOptions Validate()
    {
        var redis = RedisConfiguration.Parse(Configuration);
        ConfigureRedis?.Invoke(redis);
        if (string.IsNullOrEmpty(Prefix) || Prefix.Any(char.IsWhiteSpace) || Prefix.Contains('{', StringComparison.Ordinal) || Prefix.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException("the Redis key prefix must be non-empty, without spaces or braces.");
        }

        if (NodeHeartbeat <= TimeSpan.Zero || StreamMetaTtl <= TimeSpan.Zero)
        {
            throw new ArgumentException("NodeHeartbeat and StreamMetaTtl must be positive.");
        }

        return redis;
    }
}
