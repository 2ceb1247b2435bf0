using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "<c>welcome</c> (<c>client</c>, <c>heartbeat</c> seconds, <c>time</c>) on connect"; "dead
/// connections are closed and their presence removed"; issue 5 §4: the server-side API disconnects a user.
/// The session's life from welcome to close.
/// </summary>
public sealed class SessionLifecycleTests
{
    [Fact]
    public void New_QueuesWelcomeFirst()
    {
        var driver = new SessionDriver(SessionDriver.DefaultSettings() with { HeartbeatSeconds = 30 });

        Assert.Equal(new WelcomeEnvelope(SessionDriver.ClientId, 30, SessionDriver.T0), AssertSent<WelcomeEnvelope>(driver.Effects()));
    }

    [Fact]
    public void New_EmptyClientId_Throws() =>
        Assert.Throws<ArgumentException>(() => new Session("", SessionDriver.DefaultSettings(), null, 0));

    [Fact]
    public void TakeEffects_DrainsInOrder_ThenEmpty()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Ping("a"));
        driver.Receive(Requests.Ping("b"));

        Assert.Equal(["a", "b"], driver.Effects().Select(effect => ((PongEnvelope)((SendEnvelope)effect).Envelope).Id));
        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Disconnect_ClosesWithTheCodeAndReason_ThenIgnoresInputs()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");

        driver.Session.Disconnect(CloseCode.PolicyViolation, "kicked by admin", driver.NowMs);
        driver.Receive(Requests.Ping("p"));
        driver.Deliver("chat", Requests.Pub(1));

        Assert.Equal(new CloseConnection(CloseCode.PolicyViolation, "kicked by admin"), Assert.Single(driver.Effects()));
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void Close_UnsubscribesEveryChannel_Unanswered()
    {
        var driver = SessionDriver.NewSubscribedSession("a");
        driver.Subscribe("b", new("e1", 0));
        driver.Receive(Requests.Subscribe("s3", "c"));
        driver.Effects();

        driver.Session.Close(driver.NowMs);

        var unsubscribed = driver.Effects().Select(effect => Assert.IsType<UnsubscribeRequest>(Assert.IsType<CallEngine>(effect).Request));
        Assert.Equal(["a", "b", "c"], unsubscribed.Select(request => request.Channel).Order());
        Assert.Equal(SessionState.Closed, driver.Session.State);
        Assert.Empty(driver.Session.Channels);
    }

    [Fact]
    public void Close_ChannelAlreadyBeingLeft_NotUnsubscribedTwice()
    {
        var driver = SessionDriver.NewSubscribedSession("a");
        driver.Receive(Requests.Unsubscribe("u1", "a"));
        driver.Effects();

        driver.Session.Close(driver.NowMs);

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void Close_AfterAFailedSubscribe_CleansUpWhatTheEngineMayHaveLeft()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Subscribe("s1", "a"));
        driver.Complete(new EngineFailure(AssertCall<SubscribeRequest>(driver.Effects()).Number, ErrorCode.Unavailable, "down"));
        driver.Effects();

        driver.Session.Close(driver.NowMs);

        Assert.Equal("a", AssertCall<UnsubscribeRequest>(driver.Effects()).Channel);
    }

    [Fact]
    public void Close_ThenEveryInputIgnored()
    {
        var driver = SessionDriver.NewSubscribedSession("chat", settings: SessionDriver.DefaultSettings() with { AckRetryInitialMs = 10 });
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        driver.Session.Close(driver.NowMs);
        driver.Effects();

        driver.Receive(Requests.Ping("p"));
        driver.Deliver("chat", Requests.Pub(2));
        driver.Session.DeliverJoinLeave("chat", true, new("c2", ""), driver.NowMs);
        driver.Complete(new DoneResult(1));
        driver.Tick(driver.NowMs + 1_000);
        driver.Session.SubscribeFromServer("news", driver.NowMs);
        driver.Session.Disconnect(CloseCode.NormalClosure, "bye", driver.NowMs);
        driver.Session.Close(driver.NowMs);

        Assert.Empty(driver.Effects());
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void Close_AfterTheSessionAskedToClose_StillCleansUp()
    {
        var driver = SessionDriver.NewSubscribedSession("chat");
        driver.Session.Disconnect(CloseCode.GoingAway, "bye", driver.NowMs);
        driver.Effects();

        driver.Session.Close(driver.NowMs);

        Assert.Equal("chat", AssertCall<UnsubscribeRequest>(driver.Effects()).Channel);
    }

    [Fact]
    public void Complete_UnknownRequestNumber_Ignored()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Complete(new DoneResult(12345));

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void NextDeadlineMs_TheEarliestOfAckResendConnectDeadlineAndTokenExpiry()
    {
        var settings = SessionDriver.DefaultSettings(allowAnonymous: false) with { ConnectTimeoutMs = 5_000, AckRetryInitialMs = 2_000 };
        var driver = new SessionDriver(settings);
        Assert.Equal(SessionDriver.T0 + 5_000, driver.Session.NextDeadlineMs);

        driver.Receive(Requests.Connect("c", "t"));
        driver.Complete(new AuthenticateResult(AssertCall<AuthenticateRequest>(driver.Effects()[1..]).Number, new ClientIdentity("alice", [], SessionDriver.T0 + 3_000)));
        driver.Effects();
        Assert.Equal(SessionDriver.T0 + 3_000, driver.Session.NextDeadlineMs);

        driver.Subscribe("chat", new("e1", 0));
        driver.Deliver("chat", Requests.Pub(1, ackRequired: true));
        Assert.Equal(SessionDriver.T0 + 2_000, driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void NextDeadlineMs_NothingPending_Null()
    {
        var driver = SessionDriver.NewConnectedSession();

        Assert.Null(driver.Session.NextDeadlineMs);
    }
}
