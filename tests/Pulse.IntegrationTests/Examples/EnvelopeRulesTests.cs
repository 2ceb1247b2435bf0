using System.Text.Json;
using Examples.Envelope;

namespace Pulse.IntegrationTests.Examples;

/// <summary>
/// examples/Envelope's pure rules, without a network: the retry schedule, the server's ack tracker (time passed
/// in as milliseconds), the client's inbox (ack every copy, deliver each id once), and reading envelopes.
/// </summary>
[Trait("Category", "Examples")]
public sealed class EnvelopeRulesTests
{
    private static readonly RetrySchedule s_schedule = new(TimeSpan.FromMilliseconds(100), 2, TimeSpan.FromMilliseconds(500), MaxAttempts: 4);

    [Fact]
    public void Schedule_Default_Doubles_FromOneSecond_CappedAtTen_GivingUpAfterFiveSends()
    {
        var delays = Enumerable.Range(1, 6).Select(RetrySchedule.Default.DelayAfter).Select(d => d.TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 10, 10], delays);
        Assert.False(RetrySchedule.Default.GivesUpAfter(4));
        Assert.True(RetrySchedule.Default.GivesUpAfter(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.Default.DelayAfter(0));
    }

    [Fact]
    public void Tracker_ResendsTheSameFrameAtEachDueTime_ThenGivesUp()
    {
        var tracker = new AckTracker(s_schedule);
        tracker.Sent("s1", "frame-1", nowMs: 1_000);

        // Sends at 1000 (first), 1100, 1300, 1700; give up at 2200 (1700 + 500, the cap).
        var nothingYet = tracker.TakeDue(1_099);
        var second = tracker.TakeDue(1_100);
        var notAgainYet = tracker.TakeDue(1_299);
        var third = tracker.TakeDue(1_300);
        var fourth = tracker.TakeDue(1_700);
        var lastWait = tracker.TakeDue(2_199);
        var givenUp = tracker.TakeDue(2_200);

        Assert.Empty(nothingYet.Resend);
        Assert.Equal(["frame-1"], second.Resend);
        Assert.Empty(notAgainYet.Resend);
        Assert.Equal(["frame-1"], third.Resend);
        Assert.Equal(["frame-1"], fourth.Resend);
        Assert.Empty(lastWait.Resend);
        Assert.Empty(lastWait.GaveUp);
        Assert.Empty(givenUp.Resend);
        Assert.Equal(["s1"], givenUp.GaveUp);
        Assert.Equal(0, tracker.Count);
    }

    [Fact]
    public void Tracker_AckStopsResends_AndOnlyTheFirstAckCounts()
    {
        var tracker = new AckTracker(s_schedule);
        tracker.Sent("s1", "frame-1", nowMs: 0);
        tracker.Sent("s2", "frame-2", nowMs: 50);

        var firstAck = tracker.Ack("s1");
        var repeatedAck = tracker.Ack("s1");
        var unknownAck = tracker.Ack("s9");
        var due = tracker.TakeDue(10_000);

        Assert.True(firstAck);
        Assert.False(repeatedAck);
        Assert.False(unknownAck);
        Assert.Equal(["frame-2"], due.Resend);
        Assert.Equal(1, tracker.Count);
    }

    [Fact]
    public void Tracker_LateTick_ResendsOnce_AndCountsTheNextWaitFromNow()
    {
        var tracker = new AckTracker(s_schedule);
        tracker.Sent("s1", "frame-1", nowMs: 0);

        var late = tracker.TakeDue(5_000);
        var tooSoon = tracker.TakeDue(5_199);
        var next = tracker.TakeDue(5_200);

        Assert.Equal(["frame-1"], late.Resend);
        Assert.Empty(tooSoon.Resend);
        Assert.Equal(["frame-1"], next.Resend);
    }

    [Fact]
    public void Inbox_AcksEveryCopy_DeliversEachIdOnce()
    {
        var inbox = new Inbox();
        const string Message = """{"type":"message","id":"s1","timestamp":5,"payload":{"text":"hi"},"ack_required":true}""";

        var first = inbox.Receive(Message, unixTimeMs: 10);
        var again = inbox.Receive(Message, unixTimeMs: 20);

        Assert.Equal("hi", first.Deliver?.Payload?.GetProperty("text").GetString());
        Assert.Null(again.Deliver);
        Assert.Equal("""{"type":"ack","id":"s1","timestamp":10}""", first.Ack);
        Assert.Equal("""{"type":"ack","id":"s1","timestamp":20}""", again.Ack);
    }

    [Fact]
    public void Inbox_WithoutAckRequired_DeliversEveryTime_AndSendsNoAck()
    {
        var inbox = new Inbox();
        const string Reply = """{"type":"reply","id":"c1","timestamp":5}""";

        var first = inbox.Receive(Reply, 10);
        var second = inbox.Receive(Reply, 20);
        var garbage = inbox.Receive("{oops", 30);

        Assert.Equal(("reply", null), (first.Deliver?.Type, first.Ack));
        Assert.Equal(("reply", null), (second.Deliver?.Type, second.Ack));
        Assert.Equal((null, null), (garbage.Deliver, garbage.Ack));
    }

    [Fact]
    public void Inbox_RemembersTheLastIdsOnly()
    {
        var inbox = new Inbox(memory: 2);
        static string Message(int n) => $$"""{"type":"message","id":"s{{n}}","ack_required":true}""";

        inbox.Receive(Message(1), 0);
        inbox.Receive(Message(2), 0);
        var stillRemembered = inbox.Receive(Message(2), 0);
        inbox.Receive(Message(3), 0);
        var forgotten = inbox.Receive(Message(1), 0);

        Assert.Null(stillRemembered.Deliver);
        Assert.NotNull(forgotten.Deliver);
    }

    public static TheoryData<string, string, string, string?> BadEnvelopes => new()
    {
        { "not JSON", "{\"type\":", "bad_json", null },
        { "not an object", "\"ping\"", "bad_envelope", null },
        { "id not a string", """{"type":"ping","id":7}""", "bad_envelope", null },
        { "type missing, id kept for the error", """{"id":"c1"}""", "bad_envelope", "c1" },
        { "type not a string", """{"type":1,"id":"c2"}""", "bad_envelope", "c2" },
    };

    [Theory]
    [MemberData(nameof(BadEnvelopes))]
    public void TryParse_BadEnvelope_GivesAnErrorToSendBack(string @case, string text, string code, string? id)
    {
        var parsed = Envelope.TryParse(text, out var envelope, out var error);

        Assert.False(parsed, @case);
        Assert.Null(envelope);
        Assert.Equal((code, id), (error.Code, error.Id));
    }

    [Fact]
    public void TryParse_IgnoresUnknownFields_AndToJsonWritesSnakeCaseWithoutEmptyFields()
    {
        var parsed = Envelope.TryParse("""{"type":"echo","id":"c1","timestamp":42,"payload":[1],"later":"ignored"}""", out var envelope, out _);
        var message = new Envelope("message", "s1", 7, JsonSerializer.SerializeToElement(new[] { 1 }), AckRequired: true);
        var pong = new Envelope("pong", "c1", 8);

        Assert.True(parsed);
        Assert.Equal(("echo", "c1", 42L, false), (envelope!.Type, envelope.Id, envelope.Timestamp, envelope.AckRequired));
        Assert.Equal("""{"type":"message","id":"s1","timestamp":7,"payload":[1],"ack_required":true}""", message.ToJson());
        Assert.Equal("""{"type":"pong","id":"c1","timestamp":8}""", pong.ToJson());
    }
}
