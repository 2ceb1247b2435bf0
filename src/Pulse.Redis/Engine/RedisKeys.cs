using StackExchange.Redis;

namespace Pulse.Redis.Engine;

/// <summary>The names of every key and Pub/Sub channel the engine uses. Pure.</summary>
/// <remarks>
/// Every key and the Pub/Sub channel of one hub channel share a hash tag, <c>{channel}</c>, so that in a Redis
/// Cluster they live in one hash slot: the publish script touches them in one atomic step, and a sharded
/// Pub/Sub message goes out from the shard that holds them. Hub channel names have no braces.
/// </remarks>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>The hash holding a channel's epoch (<c>e</c>) and last offset (<c>o</c>).</summary>
    public RedisKey Meta(string channel) => $"{prefix}:{{{channel}}}:meta";

    /// <summary>The stream holding a channel's history; entry ids are <c>{offset}-0</c>.</summary>
    public RedisKey Stream(string channel) => $"{prefix}:{{{channel}}}:stream";

    /// <summary>The hash of a channel's presence: client id → client info.</summary>
    public RedisKey Presence(string channel) => $"{prefix}:{{{channel}}}:presence";

    /// <summary>The sorted set of a channel's presence expiry times: client id → Unix ms.</summary>
    public RedisKey PresenceExpiry(string channel) => $"{prefix}:{{{channel}}}:presence-expiry";

    /// <summary>The Pub/Sub channel carrying a hub channel's publications and join/leave events.</summary>
    public string PubSub(string channel) => $"{prefix}:{{{channel}}}:pub";

    /// <summary>The Pub/Sub channel of control messages between nodes.</summary>
    public string Control => $"{prefix}:control";

    /// <summary>The set of node ids that announced themselves.</summary>
    public RedisKey Nodes => $"{prefix}:nodes";

    /// <summary>A node's heartbeat record, expiring unless renewed.</summary>
    public RedisKey Node(string nodeId) => $"{prefix}:node:{{{nodeId}}}";
}
