using Pulse.Hub.Core;
using Pulse.Hub.Tests.TestKit;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "the server resends the same <c>message</c> (same <c>id</c>) with backoff until the client's
/// <c>ack</c>, for a bounded number of attempts". The schedule alone, in milliseconds.
/// </summary>
public sealed class AckTrackerTests
{
    private static readonly SendPublication s_delivery = new("chat", "e1", Requests.Pub(5, ackRequired: true));

    [Fact]
    public void Schedule_InitialDelayThenGrowsByFactor()
    {
        var tracker = new AckTracker(initialDelayMs: 100, factor: 2, maxAttempts: 4);

        Assert.Equal([100L, 200L, 400L, 800L], new[] { 1, 2, 3, 4 }.Select(tracker.DelayAfter));
    }

    [Fact]
    public void Due_ResendsTheSameDeliveryAtEachStep_ThenReportsUndeliverable()
    {
        var tracker = new AckTracker(100, 2, maxAttempts: 3);
        tracker.Track("e1:5", s_delivery, nowMs: 0);
        var log = new List<(long At, SessionEffect Effect)>();

        for (var now = 0L; now <= 1_000; now += 10)
        {
            var effects = new List<SessionEffect>();
            tracker.Due(now, effects);
            log.AddRange(effects.Select(effect => (now, effect)));
        }

        Assert.Equal([100L, 300L, 700L], log.Select(entry => entry.At));
        Assert.Same(s_delivery, log[0].Effect);
        Assert.Same(s_delivery, log[1].Effect);
        Assert.Equal(new ReportUndeliverable("chat", "e1", s_delivery.Publication, 3), log[2].Effect);
        Assert.Equal(0, tracker.Count);
        Assert.Null(tracker.NextRetryMs);
    }

    [Fact]
    public void MaxAttemptsOne_NeverResends()
    {
        var tracker = new AckTracker(100, 2, maxAttempts: 1);
        tracker.Track("e1:5", s_delivery, 0);
        var effects = new List<SessionEffect>();

        tracker.Due(100, effects);

        Assert.IsType<ReportUndeliverable>(Assert.Single(effects));
    }

    [Fact]
    public void Ack_StopsTheRetries()
    {
        var tracker = new AckTracker(100, 2, 5);
        tracker.Track("e1:5", s_delivery, 0);

        Assert.True(tracker.Ack("e1:5"));

        var effects = new List<SessionEffect>();
        tracker.Due(10_000, effects);
        Assert.Empty(effects);
        Assert.Null(tracker.NextRetryMs);
    }

    [Fact]
    public void Ack_UnknownOrRepeated_IsFalseAndHarmless()
    {
        var tracker = new AckTracker(100, 2, 5);
        tracker.Track("e1:5", s_delivery, 0);

        Assert.False(tracker.Ack("e1:6"));
        Assert.True(tracker.Ack("e1:5"));
        Assert.False(tracker.Ack("e1:5"));
    }

    [Fact]
    public void NextRetryMs_IsTheEarliestStillPending()
    {
        var tracker = new AckTracker(100, 2, 5);
        tracker.Track("a", s_delivery, 0);
        tracker.Track("b", s_delivery, 50);

        Assert.Equal(100, tracker.NextRetryMs);
        tracker.Ack("a");
        Assert.Equal(150, tracker.NextRetryMs);
    }

    [Fact]
    public void Track_SameIdTwice_TrackedOnce()
    {
        var tracker = new AckTracker(100, 2, 5);

        Assert.True(tracker.Track("a", s_delivery, 0));
        Assert.False(tracker.Track("a", s_delivery, 10));
        Assert.Equal(100, tracker.NextRetryMs);
    }

    [Fact]
    public void Due_LateTick_ResendsOnceAndSchedulesFromNow()
    {
        var tracker = new AckTracker(100, 2, 5);
        tracker.Track("a", s_delivery, 0);
        var effects = new List<SessionEffect>();

        tracker.Due(5_000, effects);

        Assert.Single(effects);
        Assert.Equal(5_200, tracker.NextRetryMs);
    }

    [Fact]
    public void Due_SeveralDue_OldestFirst()
    {
        var tracker = new AckTracker(100, 2, 5);
        var first = new SendPublication("c", "e1", Requests.Pub(1, ackRequired: true));
        var second = new SendPublication("c", "e1", Requests.Pub(2, ackRequired: true));
        tracker.Track("e1:1", first, 0);
        tracker.Track("e1:2", second, 0);
        var effects = new List<SessionEffect>();

        tracker.Due(100, effects);

        Assert.Equal<SessionEffect>([first, second], effects);
    }

    [Fact]
    public void RemoveChannel_ForgetsOnlyThatChannel()
    {
        var tracker = new AckTracker(100, 2, 5);
        tracker.Track("a", new SendPublication("one", "e", Requests.Pub(1, true)), 0);
        tracker.Track("b", new SendPublication("two", "e", Requests.Pub(1, true)), 0);

        tracker.RemoveChannel("one");

        var effects = new List<SessionEffect>();
        tracker.Due(100, effects);
        Assert.Equal("two", Assert.IsType<SendPublication>(Assert.Single(effects)).Channel);
    }

    [Fact]
    public void HugeFactor_DelayStaysFinite()
    {
        var tracker = new AckTracker(1_000, 1_000, 100);

        Assert.InRange(tracker.DelayAfter(100), 1, long.MaxValue / 2);
    }
}
