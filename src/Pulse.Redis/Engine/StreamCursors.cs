namespace Pulse.Redis.Engine;

/// <summary>
/// For each channel this node receives, the last position delivered: to drop duplicates and fetch gaps from
/// history, and to catch up after Redis was out of reach.
/// </summary>
internal sealed class StreamCursors
{
    private readonly Dictionary<string, StreamCursor> _cursors = new(StringComparer.Ordinal);

    /// <summary>Starts tracking a channel at <paramref name="epoch"/>:<paramref name="offset"/> unless it is tracked already.</summary>
    public void Track(string channel, string epoch, long offset)
    {
        lock (_cursors)
        {
            _cursors.TryAdd(channel, new StreamCursor(epoch, offset));
        }
    }

    /// <summary>The channel's cursor, started at <paramref name="epoch"/>:<paramref name="offset"/> when there was none.</summary>
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

    public KeyValuePair<string, StreamCursor>[] All()
    {
        lock (_cursors)
        {
            return [.. _cursors];
        }
    }
}
