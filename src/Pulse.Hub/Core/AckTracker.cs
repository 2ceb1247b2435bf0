using System.Diagnostics;

namespace Pulse.Hub.Core;

/// <summary>
/// Deliveries waiting for the client's <c>ack</c>, by message id (DESIGN §2: the server resends the same
/// <c>message</c>, same id, with backoff until the client's ack, for a bounded number of attempts).
/// </summary>
/// <remarks>
/// The first send counts as attempt 1. Attempt n + 1 goes out <c>initialDelay × factor^(n−1)</c> after attempt
/// n; once <c>maxAttempts</c> sends went unanswered for that long, the delivery is given up and reported. Pure:
/// time is passed in. Not thread-safe.
/// </remarks>
internal sealed class AckTracker
{
    // Far beyond any real schedule, and safe to add to a Unix-milliseconds time without overflow.
    private const double MaxDelayMs = 1L << 50;

    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Pending, (long DueMs, long Sequence)> _schedule = new();
    private readonly long _initialDelayMs;
    private readonly double _factor;
    private readonly int _maxAttempts;
    private long _sequence;

    public AckTracker(long initialDelayMs, double factor, int maxAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialDelayMs);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1.0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAttempts);
        _initialDelayMs = initialDelayMs;
        _factor = factor;
        _maxAttempts = maxAttempts;
    }

    /// <summary>How many deliveries wait for an ack.</summary>
    public int Count => _pending.Count;

    /// <summary>When <see cref="Due"/> has something to do next: a resend or a give-up; null when nothing waits.</summary>
    public long? NextRetryMs
    {
        get
        {
            DropStale();
            return _schedule.TryPeek(out _, out var priority) ? priority.DueMs : null;
        }
    }

    /// <summary>The delay between attempt <paramref name="attempt"/> and the next one.</summary>
    public long DelayAfter(int attempt) =>
        (long)Math.Min(_initialDelayMs * Math.Pow(_factor, attempt - 1), MaxDelayMs);

    /// <summary>
    /// Starts waiting for the ack of <paramref name="delivery"/>, whose first send happens now. A message id
    /// already waiting is not tracked twice (returns false).
    /// </summary>
    public bool Track(string id, SendPublication delivery, long nowMs)
    {
        if (_pending.ContainsKey(id))
        {
            return false;
        }

        var pending = new Pending(id, delivery) { Attempts = 1, DueMs = nowMs + DelayAfter(1) };
        _pending.Add(id, pending);
        _schedule.Enqueue(pending, (pending.DueMs, _sequence++));
        return true;
    }

    /// <summary>The client acknowledged <paramref name="id"/>. False when nothing waited for it (a duplicate ack, or too late).</summary>
    public bool Ack(string id)
    {
        if (!_pending.Remove(id, out var pending))
        {
            return false;
        }

        pending.Active = false;
        return true;
    }

    /// <summary>
    /// Adds what is due at <paramref name="nowMs"/> to <paramref name="effects"/>, oldest first: the same
    /// <see cref="SendPublication"/> again for a resend, or <see cref="ReportUndeliverable"/> after the last attempt.
    /// </summary>
    public void Due(long nowMs, List<SessionEffect> effects)
    {
        while (_schedule.TryPeek(out var pending, out var priority) && priority.DueMs <= nowMs)
        {
            _schedule.Dequeue();
            if (!pending.Active || pending.DueMs != priority.DueMs)
            {
                continue;
            }

            if (pending.Attempts >= _maxAttempts)
            {
                _pending.Remove(pending.Id);
                pending.Active = false;
                var delivery = pending.Delivery;
                effects.Add(new ReportUndeliverable(delivery.Channel, delivery.Epoch, delivery.Publication, pending.Attempts));
                continue;
            }

            pending.Attempts++;
            pending.DueMs = nowMs + DelayAfter(pending.Attempts);
            _schedule.Enqueue(pending, (pending.DueMs, _sequence++));
            effects.Add(pending.Delivery);
        }
    }

    /// <summary>Stops waiting for every delivery on <paramref name="channel"/> (the client unsubscribed).</summary>
    public void RemoveChannel(string channel)
    {
        List<string>? ids = null;
        foreach (var (id, pending) in _pending)
        {
            if (pending.Delivery.Channel == channel)
            {
                (ids ??= []).Add(id);
            }
        }

        foreach (var id in ids ?? [])
        {
            var removed = Ack(id);
            Debug.Assert(removed, $"Expected {id} to be pending");
        }
    }

    /// <summary>Stops waiting for everything.</summary>
    public void Clear()
    {
        _pending.Clear();
        _schedule.Clear();
    }

    private void DropStale()
    {
        while (_schedule.TryPeek(out var pending, out var priority) && (!pending.Active || pending.DueMs != priority.DueMs))
        {
            _schedule.Dequeue();
        }
    }

    private sealed class Pending(string id, SendPublication delivery)
    {
        public string Id { get; } = id;

        public SendPublication Delivery { get; } = delivery;

        public int Attempts { get; set; }

        public long DueMs { get; set; }

        public bool Active { get; set; } = true;
    }
}
