using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: <c>subscribe</c> (<c>channel</c>, optional <c>since</c>) is answered with <c>epoch</c> and
/// <c>offset</c> (latest), "then live <c>message</c>s follow, with no gap and no duplicate"; <c>unsubscribe</c>
/// with <c>{}</c>. Issue 5 §1: "limits on subscriptions per connection".
/// </summary>
public sealed class SubscribeTests
{
    [Fact]
    public void Subscribe_AsksTheEngineWithChannelPolicyAndClient()
    {
        var policy = new ChannelPolicy { HistorySize = 7 };
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(policy));

        driver.Receive(Requests.Subscribe("s1", "chat:lobby"));

        var request = AssertCall<SubscribeRequest>(driver.Effects());
        Assert.Equal(("chat:lobby", policy, new ClientInfo(SessionDriver.ClientId, ""), (StreamPosition?)null), (request.Channel, request.Policy, request.Info, request.Since));
        Assert.Equal(["chat:lobby"], driver.Session.Channels);
    }

    [Fact]
    public void Subscribe_WithoutSince_RepliesTheLatestPosition()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat"));
        var request = AssertCall<SubscribeRequest>(driver.Effects());

        driver.Complete(new SubscribeResult(request.Number, new("e1", 41), []));

        var reply = AssertReply<SubscribeReply>(driver.Effects(), "s1");
        Assert.Equal(new StreamPosition("e1", 41), reply.Position);
        Assert.Null(reply.Recovered);
        Assert.Empty(reply.Publications);
    }

    [Fact]
    public void Subscribe_LiveAfterTheReply_Delivered()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 41);

        driver.Deliver("chat", Requests.Pub(42));

        var delivery = Assert.IsType<SendPublication>(Assert.Single(driver.Effects()));
        Assert.Equal(("chat", "e1", 42L), (delivery.Channel, delivery.Epoch, delivery.Publication.Offset));
    }

    [Fact]
    public void Subscribe_LiveDuringSetup_BufferedThenOnlyThoseAfterTheReplyPosition()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat"));
        var request = AssertCall<SubscribeRequest>(driver.Effects());

        // The engine registered the subscriber before reading the position: 41 and 42 raced the read.
        driver.Deliver("chat", Requests.Pub(41));
        driver.Deliver("chat", Requests.Pub(42));
        Assert.Empty(driver.Effects());
        driver.Complete(new SubscribeResult(request.Number, new("e1", 41), []));

        var effects = driver.Effects();
        Assert.IsType<SendEnvelope>(effects[0]);
        Assert.Equal([42L], SentOffsets(effects[1..]));
    }

    [Fact]
    public void Subscribed_DuplicateOrStaleOffset_Dropped()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 5);

        foreach (var offset in new long[] { 3, 5, 6, 6, 4, 7 })
        {
            driver.Deliver("chat", Requests.Pub(offset));
        }

        Assert.Equal([6L, 7L], SentOffsets(driver.Effects()));
    }

    [Fact]
    public void Subscribed_NewEpoch_DeliveredSoTheClientNotices()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", offset: 5);

        driver.Deliver("chat", Requests.Pub(1), epoch: "e2");
        driver.Deliver("chat", Requests.Pub(2), epoch: "e2");

        var effects = driver.Effects();
        Assert.Equal([1L, 2L], SentOffsets(effects));
        Assert.All(effects, effect => Assert.Equal("e2", ((SendPublication)effect).Epoch));
    }

    [Fact]
    public void Deliver_OnAChannelNotSubscribed_Dropped()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");

        driver.Deliver("other", Requests.Pub(1));

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Subscribe_Twice_409()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");

        driver.Receive(Requests.Subscribe("s2", "chat"));

        AssertError(driver.Effects(), ErrorCode.AlreadySubscribed, "s2");
    }

    [Fact]
    public void Subscribe_TwiceWhileTheFirstIsInFlight_409()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat"));
        driver.Effects();

        driver.Receive(Requests.Subscribe("s2", "chat"));

        AssertError(driver.Effects(), ErrorCode.AlreadySubscribed, "s2");
    }

    [Fact]
    public void Subscribe_BeyondMaxSubscriptions_429()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxSubscriptions = 2 });
        driver.Receive(Requests.Subscribe("s1", "a"));
        driver.Receive(Requests.Subscribe("s2", "b"));
        driver.Effects();

        driver.Receive(Requests.Subscribe("s3", "c"));

        AssertError(driver.Effects(), ErrorCode.LimitExceeded, "s3");
    }

    [Fact]
    public void Subscribe_EngineFails_ErrorWithItsCode_AndMayRetry()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat"));
        var request = AssertCall<SubscribeRequest>(driver.Effects());

        driver.Complete(new EngineFailure(request.Number, ErrorCode.Unavailable, "broker unavailable"));

        AssertError(driver.Effects(), ErrorCode.Unavailable, "s1");
        Assert.Empty(driver.Session.Channels);
        driver.Receive(Requests.Subscribe("s2", "chat"));
        AssertCall<SubscribeRequest>(driver.Effects());
    }

    [Fact]
    public void Subscribe_BufferOverflowDuringSetup_Closes1013()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { RecoveryBufferLimit = 3 });
        driver.Receive(Requests.Subscribe("s1", "chat"));
        driver.Effects();

        for (var offset = 1; offset <= 4; offset++)
        {
            driver.Deliver("chat", Requests.Pub(offset));
        }

        Assert.Equal(new CloseConnection(CloseCode.TryAgainLater, "recovery buffer overflow"), Assert.Single(driver.Effects()));
    }

    [Fact]
    public void Unsubscribe_RepliesEmptyAndStopsDeliveries()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");

        driver.Receive(Requests.Unsubscribe("u1", "chat"));
        var request = AssertCall<UnsubscribeRequest>(driver.Effects());
        driver.Deliver("chat", Requests.Pub(1));
        Assert.Empty(driver.Effects());
        driver.Complete(new DoneResult(request.Number));

        Assert.Same(EmptyReply.Instance, AssertReply<EmptyReply>(driver.Effects(), "u1"));
        Assert.Empty(driver.Session.Channels);
        driver.Deliver("chat", Requests.Pub(2));
        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Unsubscribe_NotSubscribed_410()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Receive(Requests.Unsubscribe("u1", "chat"));

        AssertError(driver.Effects(), ErrorCode.NotSubscribed, "u1");
    }

    [Fact]
    public void Unsubscribe_Twice_SecondGets410()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");
        driver.Receive(Requests.Unsubscribe("u1", "chat"));
        driver.Effects();

        driver.Receive(Requests.Unsubscribe("u2", "chat"));

        AssertError(driver.Effects(), ErrorCode.NotSubscribed, "u2");
    }

    [Fact]
    public void Unsubscribe_WhileSubscribing_AnsweredInOrderAfterTheSubscribe()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "chat"));
        var subscribe = AssertCall<SubscribeRequest>(driver.Effects());
        driver.Receive(Requests.Unsubscribe("u1", "chat"));
        Assert.Empty(driver.Effects());
        driver.Deliver("chat", Requests.Pub(1));

        driver.Complete(new SubscribeResult(subscribe.Number, new("e1", 0), []));

        var effects = driver.Effects();
        Assert.Equal(2, effects.Count);
        Assert.Equal("s1", Assert.IsType<ReplyEnvelope>(Assert.IsType<SendEnvelope>(effects[0]).Envelope).Id);
        var unsubscribe = Assert.IsType<UnsubscribeRequest>(Assert.IsType<CallEngine>(effects[1]).Request);
        driver.Complete(new DoneResult(unsubscribe.Number));
        AssertReply<EmptyReply>(driver.Effects(), "u1");
    }

    [Fact]
    public void Subscribe_WhileUnsubscribing_StartsOnceTheUnsubscribeIsDone()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");
        driver.Receive(Requests.Unsubscribe("u1", "chat"));
        var unsubscribe = AssertCall<UnsubscribeRequest>(driver.Effects());
        driver.Receive(Requests.Subscribe("s2", "chat", new StreamPosition("e1", 0)));
        Assert.Empty(driver.Effects());

        driver.Complete(new DoneResult(unsubscribe.Number));

        var effects = driver.Effects();
        Assert.Equal("u1", Assert.IsType<ReplyEnvelope>(Assert.IsType<SendEnvelope>(effects[0]).Envelope).Id);
        var subscribe = Assert.IsType<SubscribeRequest>(Assert.IsType<CallEngine>(effects[1]).Request);
        Assert.Equal(new StreamPosition("e1", 0), subscribe.Since);
        driver.Complete(new SubscribeResult(subscribe.Number, new("e1", 0), []));
        Assert.True(AssertReply<SubscribeReply>(driver.Effects(), "s2").Recovered);
    }

    [Fact]
    public void Unsubscribe_EngineFails_ErrorAndDeliveriesStop()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");
        driver.Receive(Requests.Unsubscribe("u1", "chat"));
        var request = AssertCall<UnsubscribeRequest>(driver.Effects());

        driver.Complete(new EngineFailure(request.Number, ErrorCode.Unavailable, "down"));

        AssertError(driver.Effects(), ErrorCode.Unavailable, "u1");
        driver.Deliver("chat", Requests.Pub(1));
        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void SubscribeFromServer_NoReply_ThenLiveDelivered()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Session.SubscribeFromServer("news", driver.NowMs);
        var request = AssertCall<SubscribeRequest>(driver.Effects());
        driver.Deliver("news", Requests.Pub(3));
        driver.Complete(new SubscribeResult(request.Number, new("e1", 2), []));

        Assert.Equal([3L], SentOffsets(driver.Effects()));
        Assert.Equal(["news"], driver.Session.Channels);
    }

    [Fact]
    public void SubscribeFromServer_IgnoresLimitsAndPermissions_AndIsIdempotent()
    {
        var settings = SessionDriver.DefaultSettings(new ChannelPolicy { Private = true, AllowAnonymous = false }) with { MaxSubscriptions = 0 };
        var driver = SessionDriver.NewConnectedSession(settings);

        driver.Session.SubscribeFromServer("private:x", driver.NowMs);
        driver.Session.SubscribeFromServer("private:x", driver.NowMs);

        AssertCall<SubscribeRequest>(driver.Effects());
    }

    [Fact]
    public void SubscribeFromServer_InvalidChannel_Throws()
    {
        var driver = SessionDriver.NewConnectedSession();

        Assert.Throws<ArgumentException>(() => driver.Session.SubscribeFromServer("no spaces", driver.NowMs));
    }
}
