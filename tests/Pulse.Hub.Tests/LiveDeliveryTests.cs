using Pulse.Hub.Core;
using Pulse.Hub.Tests.TestKit;

namespace Pulse.Hub.Tests;

/// <summary>
/// The fan-out's fast path (<see cref="Session.TryDeliverLive"/>): it takes only what <see cref="Session.Deliver"/>
/// would send at once with nothing else to do, records it the same way, and leaves every other case untouched.
/// </summary>
public sealed class LiveDeliveryTests
{
    [Fact]
    public void Subscribed_NextOffset_TakenWithoutEffectAndRecorded()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 41);

        Assert.True(driver.Session.TryDeliverLive("chat", "e1", Requests.Pub(42), driver.NowMs));
        Assert.Empty(driver.Effects());

        // Recorded as delivered: the same offset again is a duplicate, the next one goes out.
        Assert.False(driver.Session.TryDeliverLive("chat", "e1", Requests.Pub(42), driver.NowMs));
        driver.Deliver("chat", Requests.Pub(42));
        Assert.Empty(driver.Effects());
        driver.Deliver("chat", Requests.Pub(43));
        Assert.Equal([43L], Assertions.SentOffsets(driver.Effects()));
    }

    [Fact]
    public void AckRequired_LeftToDeliver()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 41);

        Assert.False(driver.Session.TryDeliverLive("chat", "e1", Requests.Pub(42, ackRequired: true), driver.NowMs));
        driver.Deliver("chat", Requests.Pub(42, ackRequired: true));

        Assert.Equal([42L], Assertions.SentOffsets(driver.Effects()));
        Assert.Equal(1, driver.Session.PendingAcks);
    }

    [Fact]
    public void WhileSubscribing_LeftToDeliver_WhichBuffers()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat"));
        var request = Assertions.AssertCall<SubscribeRequest>(driver.Effects());

        Assert.False(driver.Session.TryDeliverLive("chat", "e1", Requests.Pub(42), driver.NowMs));
        driver.Deliver("chat", Requests.Pub(42));
        driver.Complete(new SubscribeResult(request.Number, new("e1", 41), []));

        Assert.Equal([42L], Assertions.SentOffsets(driver.Effects()[1..]));
    }

    [Fact]
    public void NotSubscribed_OrAnotherChannel_NothingTaken()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 41);

        Assert.False(driver.Session.TryDeliverLive("news", "e1", Requests.Pub(42), driver.NowMs));
        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void AfterCloseRequested_NothingTaken()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 41);
        driver.Session.Disconnect(CloseCode.PolicyViolation, "bye", driver.NowMs);
        driver.Effects();

        Assert.False(driver.Session.TryDeliverLive("chat", "e1", Requests.Pub(42), driver.NowMs));
    }

    [Fact]
    public void TokenExpired_LeftToDeliver_WhichCloses()
    {
        var identity = new ClientIdentity("alice", [], SessionDriver.T0 + 1_000);
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 41, identity: identity);
        driver.NowMs = SessionDriver.T0 + 1_000;

        Assert.False(driver.Session.TryDeliverLive("chat", "e1", Requests.Pub(42), driver.NowMs));
        driver.Deliver("chat", Requests.Pub(42));
        Assert.IsType<CloseConnection>(Assert.Single(driver.Effects()));
    }

    [Fact]
    public void SameChannelInstance_AcrossUnsubscribeAndResubscribe_FollowsTheCurrentSubscription()
    {
        // The node passes one string instance per channel; the session remembers its subscription by it.
        var channel = new string("chat".AsSpan());
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 41);
        Assert.True(driver.Session.TryDeliverLive(channel, "e1", Requests.Pub(42), driver.NowMs));

        driver.Receive(Requests.Unsubscribe("u1", "chat"));
        var unsubscribe = Assertions.AssertCall<UnsubscribeRequest>(driver.Effects());
        Assert.False(driver.Session.TryDeliverLive(channel, "e1", Requests.Pub(43), driver.NowMs));
        driver.Complete(new DoneResult(unsubscribe.Number));
        driver.Effects();
        Assert.False(driver.Session.TryDeliverLive(channel, "e1", Requests.Pub(44), driver.NowMs));

        driver.Subscribe("chat", new("e2", 5));
        driver.Effects();
        Assert.False(driver.Session.TryDeliverLive(channel, "e2", Requests.Pub(5), driver.NowMs));
        Assert.True(driver.Session.TryDeliverLive(channel, "e2", Requests.Pub(6), driver.NowMs));
    }
}
