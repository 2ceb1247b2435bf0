namespace Examples.Envelope;

/// <summary>
/// The messages sent to one client with <c>ack_required</c> and not acknowledged yet, and when each is due to be
/// resent. Pure: time is passed in as milliseconds on any monotonic clock; the caller sends what it returns.
/// Not thread-safe: the caller holds a lock.
/// </summary>
public sealed class AckTracker(RetrySchedule schedule)
{
    private readonly Dictionary<string, Pending> _pending = [];

    public int Count => _pending.Count;

    /// <summary>Records the first send of <paramref name="frame"/>, whose envelope id is <paramref name="id"/>.</summary>
    public void Sent(string id, string frame, long nowMs) =>
        _pending[id] = new Pending(frame, nowMs + (long)schedule.DelayAfter(1).TotalMilliseconds);

    /// <summary>Forgets <paramref name="id"/>: true if it was waiting for this ack, false for an unknown or repeated ack.</summary>
    public bool Ack(string id) => _pending.Remove(id);

    /// <summary>The frames to resend now (the same bytes, so the same id), and the ids given up on, which are forgotten.</summary>
    public (IReadOnlyList<string> Resend, IReadOnlyList<string> GaveUp) TakeDue(long nowMs)
    {
        var resend = new List<string>();
        var gaveUp = new List<string>();
        foreach (var (id, pending) in _pending)
        {
            if (pending.DueMs > nowMs)
            {
                continue;
            }

            if (schedule.GivesUpAfter(pending.Sends))
            {
                gaveUp.Add(id);
                continue;
            }

            pending.Sends++;
            pending.DueMs = nowMs + (long)schedule.DelayAfter(pending.Sends).TotalMilliseconds;
            resend.Add(pending.Frame);
        }

        foreach (var id in gaveUp)
        {
            _pending.Remove(id);
        }

        return (resend, gaveUp);
    }

    private sealed class Pending(string frame, long dueMs)
    {
        public string Frame { get; } = frame;

        public int Sends { get; set; } = 1;

        public long DueMs { get; set; } = dueMs;
    }
}
