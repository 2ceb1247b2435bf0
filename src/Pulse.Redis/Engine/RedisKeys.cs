using System.Text;

namespace Pulse.Redis.Engine;

/// <summary>The names of every key and Pub/Sub channel the engine uses, and which server holds a channel. Pure.</summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>The hash holding a channel's epoch (<c>e</c>) and last offset (<c>o</c>).</summary>
    public string Meta(string channel) => $"{prefix}:meta:{channel}";

    /// <summary>The stream holding a channel's history; entry ids are <c>{offset}-0</c>.</summary>
    public string Stream(string channel) => $"{prefix}:stream:{channel}";

    /// <summary>The hash of a channel's presence: client id → client info.</summary>
    public string Presence(string channel) => $"{prefix}:presence:{channel}";

    /// <summary>The sorted set of a channel's presence expiry times: client id → Unix ms.</summary>
    public string PresenceExpiry(string channel) => $"{prefix}:presence-expiry:{channel}";

    /// <summary>The Pub/Sub channel carrying a hub channel's publications and join/leave events.</summary>
    public string PubSub(string channel) => $"{prefix}:channel:{channel}";

    /// <summary>The hub channel of a Pub/Sub channel, or null when it is not one.</summary>
    public string? FromPubSub(string pubSubChannel) =>
        pubSubChannel.StartsWith($"{prefix}:channel:", StringComparison.Ordinal) ? pubSubChannel[(prefix.Length + 9)..] : null;

    /// <summary>The Pub/Sub channel of control messages between nodes.</summary>
    public string Control => $"{prefix}:control";

    /// <summary>The set of node ids that announced themselves.</summary>
    public string Nodes => $"{prefix}:nodes";

    /// <summary>A node's heartbeat record, expiring unless renewed.</summary>
    public string Node(string nodeId) => $"{prefix}:node:{nodeId}";

    /// <summary>
    /// The server (of <paramref name="servers"/>) holding a channel: a stable hash, the same on every node, so
    /// that one channel's publications, history and presence are always on one server and in one order.
    /// </summary>
    public static int ShardOf(string channel, int servers)
    {
        // FNV-1a over the UTF-8 bytes: stable across processes and versions, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(channel))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)servers);
    }
}
