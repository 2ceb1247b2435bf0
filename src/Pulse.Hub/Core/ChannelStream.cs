using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>
/// One channel's stream in memory: an epoch, offsets 1, 2, 3…, and a history bounded in size and age.
/// Pure (time is passed in); the in-memory broker keeps one per channel.
/// </summary>
/// <remarks>Not thread-safe: the owner serializes calls.</remarks>
internal sealed class ChannelStream
{
    private readonly Queue<Publication> _history = new();
    private long _offset;

    /// <summary>Starts an empty stream in a new epoch.</summary>
    public ChannelStream(string epoch) => Epoch = epoch;

    /// <summary>The epoch: new whenever the stream starts over (a restart loses in-memory history).</summary>
    public string Epoch { get; }

    /// <summary>The latest position: offset 0 before the first publication.</summary>
    public StreamPosition Latest => new(Epoch, _offset);

    /// <summary>How many publications the history holds now (expired ones may still count until the next call).</summary>
    public int Count => _history.Count;

    /// <summary>Assigns the next offset, appends within <paramref name="maxSize"/> and <paramref name="ttlMs"/>, and returns the publication.</summary>
    public Publication Append(ReadOnlyMemory<byte> data, string? user, string? clientId, bool ackRequired, long nowMs, int maxSize, long ttlMs)
    {
        var publication = new Publication(++_offset, data, user, nowMs, clientId, ackRequired);
        if (maxSize > 0)
        {
            _history.Enqueue(publication);
        }

        Trim(nowMs, maxSize, ttlMs);
        return publication;
    }

    /// <summary>
    /// Publications after <paramref name="afterOffset"/>, oldest first, at most <paramref name="limit"/>;
    /// expired ones are dropped first.
    /// </summary>
    public IReadOnlyList<Publication> ReadAfter(long afterOffset, int limit, long nowMs, int maxSize, long ttlMs)
    {
        Trim(nowMs, maxSize, ttlMs);
        if (limit <= 0 || afterOffset >= _offset)
        {
            return [];
        }

        var result = new List<Publication>(Math.Min(limit, _history.Count));
        foreach (var publication in _history)
        {
            if (publication.Offset > afterOffset)
            {
                result.Add(publication);
                if (result.Count == limit)
                {
                    break;
                }
            }
        }

        return result;
    }

    private void Trim(long nowMs, int maxSize, long ttlMs)
    {
        while (_history.Count > Math.Max(maxSize, 0) || (_history.Count > 0 && nowMs - _history.Peek().Timestamp > ttlMs))
        {
            _history.Dequeue();
        }
    }
}
