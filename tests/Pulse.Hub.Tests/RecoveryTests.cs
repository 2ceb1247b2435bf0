using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "Each channel has an epoch and offsets 1, 2, 3…; a subscribe with <c>since</c> returns the missed
/// publications in its reply, then live <c>message</c>s follow, with no gap and no duplicate; when history
/// cannot cover the gap (or the epoch changed), the reply says <c>recovered: false</c> so the client can reload
/// its state."
/// </summary>
public sealed class RecoveryTests
{
    [Fact]
    public void Subscribe_SinceInsideHistory_ReplaysMissedThenLive()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat", new StreamPosition("e1", 3)));
        var request = AssertCall<SubscribeRequest>(driver.Effects());
        Assert.Equal(new StreamPosition("e1", 3), request.Since);

        // 6 and 7 went out live while the history was read, so they are in both; 8 came after.
        driver.Deliver("chat", Requests.Pub(6));
        driver.Deliver("chat", Requests.Pub(7));
        driver.Complete(new SubscribeResult(request.Number, new("e1", 7), Requests.Pubs(4, 7)));
        driver.Deliver("chat", Requests.Pub(7));
        driver.Deliver("chat", Requests.Pub(8));

        var effects = driver.Effects();
        var reply = Assert.IsType<SubscribeReply>(Assert.IsType<ReplyEnvelope>(Assert.IsType<SendEnvelope>(effects[0]).Envelope).Payload);
        Assert.True(reply.Recovered);
        Assert.Equal(new StreamPosition("e1", 7), reply.Position);
        Assert.Equal([4L, 5L, 6L, 7L], reply.Publications.Select(publication => publication.Offset));
        Assert.Equal([8L], SentOffsets(effects[1..]));
    }

    [Fact]
    public void Subscribe_SinceBeyondHistory_RecoveredFalse()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat", new StreamPosition("e1", 3)));
        var request = AssertCall<SubscribeRequest>(driver.Effects());

        // History keeps 2: 4 and 5 are gone.
        driver.Complete(new SubscribeResult(request.Number, new("e1", 7), Requests.Pubs(6, 7)));
        driver.Deliver("chat", Requests.Pub(8));

        var effects = driver.Effects();
        var reply = Assert.IsType<SubscribeReply>(Assert.IsType<ReplyEnvelope>(Assert.IsType<SendEnvelope>(effects[0]).Envelope).Payload);
        Assert.Equal((false, new StreamPosition("e1", 7)), (reply.Recovered, reply.Position));
        Assert.Empty(reply.Publications);
        Assert.Equal([8L], SentOffsets(effects[1..]));
    }

    [Fact]
    public void Subscribe_SinceFromAnotherEpoch_RecoveredFalse()
    {
        var reply = SubscribeWithSince(new("old", 3), new("e2", 5), []);

        Assert.Equal((false, "e2", 5L), (reply.Recovered, reply.Position.Epoch, reply.Position.Offset));
    }

    [Fact]
    public void Subscribe_SinceAtLatest_RecoveredWithNothingMissed()
    {
        var reply = SubscribeWithSince(new("e1", 5), new("e1", 5), []);

        Assert.True(reply.Recovered);
        Assert.Empty(reply.Publications);
    }

    [Fact]
    public void Subscribe_SinceAheadOfTheStream_RecoveredFalse()
    {
        var reply = SubscribeWithSince(new("e1", 9), new("e1", 5), []);

        Assert.False(reply.Recovered);
    }

    [Fact]
    public void Subscribe_HistoryOff_RecoveredOnlyWhenNothingWasMissed()
    {
        Assert.False(SubscribeWithSince(new("e1", 4), new("e1", 5), []).Recovered);
        Assert.True(SubscribeWithSince(new("e1", 5), new("e1", 5), []).Recovered);
    }

    [Fact]
    public void Subscribe_RecoveredPublications_NotTrackedForAcks()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat", new StreamPosition("e1", 0)));
        var request = AssertCall<SubscribeRequest>(driver.Effects());

        driver.Complete(new SubscribeResult(request.Number, new("e1", 1), [Requests.Pub(1, ackRequired: true)]));

        Assert.True(AssertReply<SubscribeReply>(driver.Effects(), "s1").Recovered);
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    /// <summary>
    /// The whole rule at once, against the real in-memory stream: for every position a client may come back
    /// from, every history size and every interleaving of live publications around the history read, what the
    /// client sees (reply, then messages) is exactly what it missed and what follows, each once and in order;
    /// and it says <c>recovered: false</c> exactly when history could not cover the gap.
    /// </summary>
    [Fact]
    public void Recovery_ExactlyTheMissedOffsets_NoGapNoDuplicate_ForEveryInterleaving()
    {
        var checkedCases = 0;
        for (var published = 0; published <= 6; published++)
        {
            for (var since = 0; since <= published + 1; since++)
            {
                for (var historySize = 0; historySize <= 5; historySize++)
                {
                    for (var liveDuringRead = 0; liveDuringRead <= 2; liveDuringRead++)
                    {
                        for (var liveAfterRead = 0; liveAfterRead <= 2; liveAfterRead++)
                        {
                            CheckRecovery(published, since, historySize, liveDuringRead, liveAfterRead);
                            checkedCases++;
                        }
                    }
                }
            }
        }

        // Positions 0…published+1 for 0…6 published (35), six history sizes, nine interleavings.
        Assert.Equal(35 * 6 * 9, checkedCases);
    }

    private static void CheckRecovery(int published, int since, int historySize, int liveDuringRead, int liveAfterRead)
    {
        const long TtlMs = 60_000;
        var now = SessionDriver.T0;
        var stream = new ChannelStream("e1");
        for (var i = 0; i < published; i++)
        {
            stream.Append("{}"u8.ToArray(), null, null, false, now, historySize, TtlMs);
        }

        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat", new StreamPosition("e1", since)));
        var request = AssertCall<SubscribeRequest>(driver.Effects());

        // The engine registers the subscriber first, so these reach Deliver and the history read alike.
        for (var i = 0; i < liveDuringRead; i++)
        {
            driver.Deliver("chat", stream.Append("{}"u8.ToArray(), null, null, false, now, historySize, TtlMs));
        }

        var latest = stream.Latest;
        var missedAtRead = stream.ReadAfter(since, int.MaxValue, now, historySize, TtlMs);
        driver.Complete(new SubscribeResult(request.Number, latest, missedAtRead));
        for (var i = 0; i < liveAfterRead; i++)
        {
            driver.Deliver("chat", stream.Append("{}"u8.ToArray(), null, null, false, now, historySize, TtlMs));
        }

        var effects = driver.Effects();
        var reply = Assert.IsType<SubscribeReply>(Assert.IsType<ReplyEnvelope>(Assert.IsType<SendEnvelope>(effects[0]).Envelope).Payload);
        var live = SentOffsets(effects[1..]);
        var final = stream.Latest.Offset;
        var historyCovered = since <= latest.Offset && latest.Offset - since <= historySize;
        var label = $"published {published}, since {since}, history {historySize}, live {liveDuringRead}+{liveAfterRead}";

        Assert.True(historyCovered == reply.Recovered, label);
        var seen = reply.Publications.Select(publication => publication.Offset).Concat(live).ToArray();
        var expectedFirst = historyCovered ? since + 1 : latest.Offset + 1;
        Assert.True(LongRange(expectedFirst, final).SequenceEqual(seen), $"{label}: saw [{string.Join(',', seen)}]");
    }

    private static IEnumerable<long> LongRange(long first, long last)
    {
        for (var offset = first; offset <= last; offset++)
        {
            yield return offset;
        }
    }

    private static SubscribeReply SubscribeWithSince(StreamPosition since, StreamPosition latest, IReadOnlyList<Publication> publications)
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat", since));
        var request = AssertCall<SubscribeRequest>(driver.Effects());
        driver.Complete(new SubscribeResult(request.Number, latest, publications));
        return AssertReply<SubscribeReply>(driver.Effects(), "s1");
    }
}
