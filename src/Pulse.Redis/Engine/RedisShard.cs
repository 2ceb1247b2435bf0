using Pulse.Redis.Client;

namespace Pulse.Redis.Engine;

/// <summary>
/// One Redis server of the engine: a command connection, a Pub/Sub connection, and, for each channel this node
/// receives from it, the last position delivered (to drop duplicates and fetch gaps from history).
/// </summary>
internal sealed class RedisShard : IAsyncDisposable
{
    private readonly Dictionary<string, StreamCursor> _cursors = new(StringComparer.Ordinal);

    public RedisShard(RedisConnection commands, RedisSubscriber pubSub)
    {
        Commands = commands;
        PubSub = pubSub;
    }

    public RedisConnection Commands { get; }

    public RedisSubscriber PubSub { get; }

    public bool IsReachable => Commands.IsConnected && PubSub.IsConnected;

    /// <summary>Starts tracking a channel at <paramref name="epoch"/>:<paramref name="offset"/> unless it is tracked already.</summary>
    public void Track(string channel, string epoch, long offset)
    {
        lock (_cursors)
        {
            _cursors.TryAdd(channel, new StreamCursor(epoch, offset));
        }
    }

    public StreamCursor TrackOrGet(string channel, string epoch, long offset)
    {
        lock (_cursors)
        {
            if (!_cursors.TryGetValue(channel, out var cursor))
            {
                _cursors[channel] = cursor = new StreamCursor(epoch, offset);
            }

            return cursor;
        }
    }

    public void Forget(string channel)
    {
        lock (_cursors)
        {
            _cursors.Remove(channel);
        }
    }

    public KeyValuePair<string, StreamCursor>[] AllCursors()
    {
        lock (_cursors)
        {
            return [.. _cursors];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PubSub.DisposeAsync().ConfigureAwait(false);
        await Commands.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The last position of a channel delivered on this node. Changed only on its shard's Pub/Sub sequence.</summary>
internal sealed class StreamCursor(string epoch, long offset)
{
    public string Epoch { get; set; } = epoch;

    public long Offset { get; set; } = offset;
}
