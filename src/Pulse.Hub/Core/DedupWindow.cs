using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>
/// Recent <c>publish</c> ids and their replies (DESIGN §2: a publish retried with the same id is applied once
/// and answered with the same reply). An id whose publish is still in flight is known too, so a duplicate
/// waits for that publish's outcome instead of publishing again.
/// </summary>
/// <remarks>
/// Completed ids are remembered for <c>maxAgeMs</c> after completion and at most <c>maxSize</c> of them, the
/// oldest forgotten first. In-flight ids are never forgotten until they complete or fail (the request rate
/// limit bounds them). A failed publish is forgotten, so a retry publishes again. Pure; not thread-safe.
/// </remarks>
internal sealed class DedupWindow
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<Entry> _completed = new();
    private readonly int _maxSize;
    private readonly long _maxAgeMs;

    public DedupWindow(int maxSize, long maxAgeMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAgeMs);
        _maxSize = maxSize;
        _maxAgeMs = maxAgeMs;
    }

    /// <summary>How many ids are known (in flight or completed).</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Looks <paramref name="id"/> up. <see cref="DedupStatus.New"/>: unknown, now recorded as in flight (publish
    /// it). <see cref="DedupStatus.InFlight"/>: the first is still in flight, and this duplicate is counted as
    /// waiting for its outcome. <see cref="DedupStatus.Completed"/>: answer with <paramref name="reply"/>.
    /// </summary>
    public DedupStatus Begin(string id, long nowMs, out ReplyPayload? reply)
    {
        Evict(nowMs);
        reply = null;
        if (_entries.TryGetValue(id, out var entry))
        {
            if (entry.Reply is null)
            {
                entry.Waiting++;
                return DedupStatus.InFlight;
            }

            reply = entry.Reply;
            return DedupStatus.Completed;
        }

        _entries.Add(id, new Entry(id));
        return DedupStatus.New;
    }

    /// <summary>The publish of <paramref name="id"/> succeeded; returns how many duplicates waited for it.</summary>
    public int Complete(string id, ReplyPayload reply, long nowMs)
    {
        if (!_entries.TryGetValue(id, out var entry) || entry.Reply is not null)
        {
            return 0;
        }

        entry.Reply = reply;
        entry.CompletedAtMs = nowMs;
        _completed.Enqueue(entry);
        Evict(nowMs);
        return entry.Waiting;
    }

    /// <summary>The publish of <paramref name="id"/> failed: forget it; returns how many duplicates waited for it.</summary>
    public int Fail(string id)
    {
        if (!_entries.TryGetValue(id, out var entry) || entry.Reply is not null)
        {
            return 0;
        }

        _entries.Remove(id);
        return entry.Waiting;
    }

    private void Evict(long nowMs)
    {
        while (_completed.TryPeek(out var oldest) && (_completed.Count > _maxSize || nowMs - oldest.CompletedAtMs >= _maxAgeMs))
        {
            _completed.Dequeue();
            _entries.Remove(oldest.Id);
        }
    }

    private sealed class Entry(string id)
    {
        public string Id { get; } = id;

        public ReplyPayload? Reply { get; set; }

        public long CompletedAtMs { get; set; }

        public int Waiting { get; set; }
    }
}

/// <summary>What <see cref="DedupWindow.Begin"/> found.</summary>
internal enum DedupStatus
{
    /// <summary>Not seen: publish it.</summary>
    New,

    /// <summary>Seen, still in flight: wait for the first one's outcome.</summary>
    InFlight,

    /// <summary>Seen and done: send the same reply again.</summary>
    Completed,
}
