using System.Collections.Concurrent;
using System.Diagnostics;
using Pulse.Internal;

namespace Pulse.Tests.Internal;

/// <summary>The shared wheel fires each deadline once, never before it, in order; moved and cancelled entries fire where they are now.</summary>
public sealed class TimerWheelTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Schedule_FiresOnceAtOrAfterTheDeadline()
    {
        var fired = new ConcurrentQueue<long>();
        var entry = new Recorder(fired);
        var due = TimerWheel.DueIn(TimeSpan.FromMilliseconds(30));

        TimerWheel.Shared.Schedule(entry, due);
        var at = await entry.Fired.Task.WaitAsync(s_wait);

        Assert.True(at >= due);
        Assert.Single(fired);
    }

    [Fact]
    public async Task Schedule_DeadlineAlreadyPassed_FiresOnTheNextTick()
    {
        var entry = new Recorder(new ConcurrentQueue<long>());

        TimerWheel.Shared.Schedule(entry, Stopwatch.GetTimestamp() - Stopwatch.Frequency);

        await entry.Fired.Task.WaitAsync(s_wait);
    }

    [Fact]
    public async Task CancelledAndMovedEntries_FireOnlyWhereTheyAreNow()
    {
        var fired = new ConcurrentQueue<long>();
        var cancelled = new Recorder(fired);
        var moved = new Recorder(fired);
        var last = new Recorder(fired);

        TimerWheel.Shared.Schedule(cancelled, TimerWheel.DueIn(TimeSpan.FromMilliseconds(20)));
        TimerWheel.Shared.Schedule(moved, TimerWheel.DueIn(TimeSpan.FromMilliseconds(20)));
        TimerWheel.Shared.Schedule(last, TimerWheel.DueIn(TimeSpan.FromMilliseconds(200)));
        TimerWheel.Shared.Cancel(cancelled);
        TimerWheel.Shared.Schedule(moved, TimerWheel.DueIn(TimeSpan.FromMilliseconds(100)));
        await last.Fired.Task.WaitAsync(s_wait);

        // Later deadlines fire on later ticks: by the time the last one fired, the moved one had, and only once.
        Assert.True(moved.Fired.Task.IsCompleted);
        Assert.False(cancelled.Fired.Task.IsCompleted);
        Assert.Equal(2, fired.Count);
    }

    [Fact]
    public async Task ManyEntries_AcrossMoreThanOneTurnOfTheWheel_EachFireOnce()
    {
        var fired = new ConcurrentQueue<long>();
        var entries = Enumerable.Range(0, 200).Select(_ => new Recorder(fired)).ToArray();

        // Spread over 0–6 s: the wheel turns once every 5.12 s, so some share a slot with an earlier deadline.
        for (var i = 0; i < entries.Length; i++)
        {
            TimerWheel.Shared.Schedule(entries[i], TimerWheel.DueIn(TimeSpan.FromMilliseconds(i * 30)));
        }

        await Task.WhenAll(entries.Select(e => e.Fired.Task)).WaitAsync(s_wait);

        Assert.Equal(entries.Length, fired.Count);
    }

    private sealed class Recorder(ConcurrentQueue<long> fired) : TimerWheelEntry
    {
        public TaskCompletionSource<long> Fired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void OnDue()
        {
            var now = Stopwatch.GetTimestamp();
            fired.Enqueue(now);
            Fired.TrySetResult(now);
        }
    }
}
