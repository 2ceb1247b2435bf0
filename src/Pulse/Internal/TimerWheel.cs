using System.Diagnostics;

namespace Pulse.Internal;

/// <summary>
/// One timer for the deadlines of every connection (keepalive pings and their timeouts, close timeouts) instead
/// of a <see cref="ITimer"/> each: an open connection keeps one small <see cref="TimerWheelEntry"/> rather than a
/// timer object in the runtime's timer queue, and opening or closing one creates and disposes no timer.
/// </summary>
/// <remarks>
/// A hashed wheel: entries hang in intrusive lists, one per slot, by the tick their deadline falls in, so
/// scheduling, moving and cancelling are O(1) under one lock. A deadline fires on the first tick at or after
/// it, so at most one tick late (10 ms, against the 20 s default ping interval). The timer runs only while an
/// entry is scheduled. Callbacks run outside the lock, on the timer's thread-pool thread.
/// </remarks>
internal sealed class TimerWheel
{
    private const int SlotCount = 512;

    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(10);

    private readonly Lock _lock = new();
    private readonly TimerWheelEntry?[] _slots = new TimerWheelEntry?[SlotCount];
    private readonly long _tickLength = Math.Max(1, (long)(s_tick.TotalSeconds * Stopwatch.Frequency));
    private readonly ITimer _timer;
    private long _lastTick; // the last tick processed: everything due at or before it has fired
    private int _count;
    private bool _running;

    private TimerWheel()
    {
        // The wheel outlives the connection that happens to create it: its callbacks must not run in (and keep
        // alive) that connection's execution context.
        var suppressed = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
        try
        {
            _timer = TimeProvider.System.CreateTimer(static state => ((TimerWheel)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            suppressed?.Undo();
        }
    }

    /// <summary>The wheel every connection in the process shares.</summary>
    public static TimerWheel Shared { get; } = new();

    /// <summary>A <see cref="Stopwatch"/> timestamp <paramref name="delay"/> from now; very long delays are clamped rather than overflow.</summary>
    public static long DueIn(TimeSpan delay)
    {
        var ticks = delay <= TimeSpan.Zero ? 0 : delay.TotalSeconds * Stopwatch.Frequency;
        return Stopwatch.GetTimestamp() + (long)Math.Min(ticks, long.MaxValue / 4);
    }

    /// <summary>Schedules (or moves) <paramref name="entry"/> to fire at <paramref name="due"/>, a <see cref="Stopwatch"/> timestamp.</summary>
    public void Schedule(TimerWheelEntry entry, long due)
    {
        lock (_lock)
        {
            Unlink(entry);
            if (!_running)
            {
                // Nothing is scheduled: the wheel starts again from now.
                _lastTick = Stopwatch.GetTimestamp() / _tickLength;
            }

            // The first tick at or after the deadline, and never one already processed.
            var tick = Math.Max((due / _tickLength) + (due % _tickLength == 0 ? 0 : 1), _lastTick + 1);
            var slot = (int)(tick % SlotCount);
            entry.Due = due;
            entry.Slot = slot;
            entry.Next = _slots[slot];
            entry.Previous = null;
            if (entry.Next is { } next)
            {
                next.Previous = entry;
            }

            _slots[slot] = entry;
            entry.Linked = true;
            _count++;
            if (!_running)
            {
                _running = true;
                _timer.Change(s_tick, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Takes <paramref name="entry"/> off the wheel if it is on it.</summary>
    public void Cancel(TimerWheelEntry entry)
    {
        lock (_lock)
        {
            Unlink(entry);
        }
    }

    private void Tick()
    {
        List<TimerWheelEntry>? due = null;
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            var nowTick = now / _tickLength;

            // A late timer catches up on every tick it missed (all slots at most once).
            var last = Math.Min(nowTick, _lastTick + SlotCount);
            for (var tick = _lastTick + 1; tick <= last; tick++)
            {
                var entry = _slots[(int)(tick % SlotCount)];
                while (entry is not null)
                {
                    var next = entry.Next;
                    if (entry.Due <= now)
                    {
                        Unlink(entry);
                        (due ??= []).Add(entry);
                    }

                    entry = next;
                }
            }

            _lastTick = nowTick;
            if (_count == 0)
            {
                _running = false;
            }
            else
            {
                _timer.Change(s_tick, Timeout.InfiniteTimeSpan);
            }
        }

        foreach (var entry in due ?? [])
        {
            entry.OnDue();
        }
    }

    private void Unlink(TimerWheelEntry entry)
    {
        if (!entry.Linked)
        {
            return;
        }

        if (entry.Previous is { } previous)
        {
            previous.Next = entry.Next;
        }
        else
        {
            _slots[entry.Slot] = entry.Next;
        }

        if (entry.Next is { } next)
        {
            next.Previous = entry.Previous;
        }

        entry.Next = entry.Previous = null;
        entry.Linked = false;
        _count--;
    }
}
