using Microsoft.Extensions.Logging;
using Pulse.Redis.Client;

namespace Pulse.Redis.Engine;

/// <summary>How the hub's Redis engine runs.</summary>
public sealed class RedisEngineOptions
{
    /// <summary>
    /// The Redis servers. Channels are spread over them by a hash of the channel name (each channel's Pub/Sub,
    /// history and presence live on one server); the node registry and control messages use the first.
    /// </summary>
    public IList<RedisOptions> Servers { get; } = [];

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

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is invalid; the message names it.</exception>
    public void Validate()
    {
        if (Servers.Count == 0)
        {
            throw new ArgumentException("the Redis engine needs at least one server.");
        }

        foreach (var server in Servers)
        {
            server.Validate();
        }

        if (string.IsNullOrEmpty(Prefix) || Prefix.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("the Redis key prefix must be non-empty, without spaces.");
        }

        if (NodeHeartbeat <= TimeSpan.Zero || StreamMetaTtl <= TimeSpan.Zero)
        {
            throw new ArgumentException("NodeHeartbeat and StreamMetaTtl must be positive.");
        }
    }
}
