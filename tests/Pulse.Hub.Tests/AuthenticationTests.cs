using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "Authentication: a token in the <c>connect</c> request, the <c>token</c> query parameter or an
/// <c>Authorization: Bearer</c> header"; anonymous access is a switch; private channels need a token claim
/// that allows them (issue 5 §3). A client that never authenticates, or whose token expires, is closed with 1008.
/// </summary>
public sealed class AuthenticationTests
{
    private static readonly SessionSettings s_tokenRequired = SessionDriver.DefaultSettings(allowAnonymous: false) with { ConnectTimeoutMs = 5_000 };
    private static readonly ClientIdentity s_alice = new("alice", [], null);

    [Fact]
    public void AnonymousOn_ConnectedAtOnce()
    {
        var driver = new SessionDriver(SessionDriver.DefaultSettings(allowAnonymous: true));

        Assert.Equal(SessionState.Connected, driver.Session.State);
        Assert.Equal("", driver.Session.User);
    }

    [Fact]
    public void TokenAtUpgrade_ConnectedAsItsUser()
    {
        var driver = new SessionDriver(s_tokenRequired, s_alice);

        Assert.Equal(SessionState.Connected, driver.Session.State);
        Assert.Equal("alice", driver.Session.User);
    }

    [Fact]
    public void AnonymousOff_AuthenticatingUntilConnect()
    {
        var driver = new SessionDriver(s_tokenRequired);

        Assert.Equal(SessionState.Authenticating, driver.Session.State);
        AssertSent<WelcomeEnvelope>(driver.Effects());
    }

    [Theory]
    [InlineData(EnvelopeType.Subscribe)]
    [InlineData(EnvelopeType.Unsubscribe)]
    [InlineData(EnvelopeType.Publish)]
    [InlineData(EnvelopeType.Presence)]
    [InlineData(EnvelopeType.History)]
    public void Authenticating_RequestsOtherThanConnectAndPing_Get401(EnvelopeType type)
    {
        var driver = Authenticating();

        driver.Receive(new Envelope { Type = type, Id = "r1", Channel = "chat", Data = "1"u8.ToArray() });

        AssertError(driver.Effects(), ErrorCode.Unauthorized, "r1");
    }

    [Fact]
    public void Authenticating_PingAnswered()
    {
        var driver = Authenticating();

        driver.Receive(Requests.Ping("p1"));

        Assert.Equal("p1", AssertSent<PongEnvelope>(driver.Effects()).Id);
    }

    [Fact]
    public void Connect_ValidToken_RepliesClientAndUser()
    {
        var driver = Authenticating();

        driver.Receive(Requests.Connect("c", "t0ken"));
        var request = AssertCall<AuthenticateRequest>(driver.Effects());
        driver.Complete(new AuthenticateResult(request.Number, s_alice));

        Assert.Equal("t0ken", request.Token);
        Assert.Equal(new ConnectReply(SessionDriver.ClientId, "alice"), AssertReply<ConnectReply>(driver.Effects(), "c"));
        Assert.Equal(SessionState.Connected, driver.Session.State);
        Assert.Equal("alice", driver.Session.User);
    }

    [Fact]
    public void Connect_InvalidToken_401AndStillAuthenticating()
    {
        var driver = Authenticating();

        driver.Receive(Requests.Connect("c", "forged"));
        var request = AssertCall<AuthenticateRequest>(driver.Effects());
        driver.Complete(new EngineFailure(request.Number, ErrorCode.Unauthorized, "invalid token"));

        Assert.Equal("invalid token", AssertError(driver.Effects(), ErrorCode.Unauthorized, "c").Message);
        Assert.Equal(SessionState.Authenticating, driver.Session.State);
    }

    [Fact]
    public void Connect_WhileAnotherInFlight_400()
    {
        var driver = Authenticating();
        driver.Receive(Requests.Connect("c1", "t"));
        driver.Effects();

        driver.Receive(Requests.Connect("c2", "t"));

        AssertError(driver.Effects(), ErrorCode.BadRequest, "c2");
    }

    [Fact]
    public void ConnectDeadline_ClosesWith1008()
    {
        var driver = Authenticating();
        Assert.Equal(SessionDriver.T0 + 5_000, driver.Session.NextDeadlineMs);

        driver.Tick(SessionDriver.T0 + 4_999);
        Assert.Empty(driver.Effects());

        driver.Tick(SessionDriver.T0 + 5_000);
        Assert.Equal(new CloseConnection(CloseCode.PolicyViolation, "authentication required"), Assert.Single(driver.Effects()));
    }

    [Fact]
    public void ConnectDeadline_NoLongerAppliesOnceConnected()
    {
        var driver = Authenticating();
        Connect(driver, s_alice);

        driver.Tick(SessionDriver.T0 + 60_000);

        Assert.Empty(driver.Effects());
        Assert.Null(driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void TokenExpiry_ClosesWith1008()
    {
        var driver = SessionDriver.NewConnectedSession(s_tokenRequired, s_alice with { ExpiresAtMs = SessionDriver.T0 + 60_000 });
        Assert.Equal(SessionDriver.T0 + 60_000, driver.Session.NextDeadlineMs);

        driver.Tick(SessionDriver.T0 + 60_000);

        Assert.Equal(new CloseConnection(CloseCode.PolicyViolation, "token expired"), Assert.Single(driver.Effects()));
    }

    [Fact]
    public void TokenExpiry_CheckedOnEveryInput_NotOnlyOnTick()
    {
        var driver = SessionDriver.NewConnectedSession(s_tokenRequired, s_alice with { ExpiresAtMs = SessionDriver.T0 + 10 });
        driver.NowMs = SessionDriver.T0 + 10;

        driver.Receive(Requests.Ping("p"));

        AssertClosing(driver.Effects(), CloseCode.PolicyViolation);
    }

    [Fact]
    public void Connect_AgainWithAFreshToken_ExtendsTheConnection()
    {
        var driver = SessionDriver.NewConnectedSession(s_tokenRequired, s_alice with { ExpiresAtMs = SessionDriver.T0 + 1_000 });

        Connect(driver, s_alice with { ExpiresAtMs = SessionDriver.T0 + 100_000 });
        driver.Tick(SessionDriver.T0 + 1_000);

        Assert.Empty(driver.Effects());
        Assert.Equal(SessionDriver.T0 + 100_000, driver.Session.NextDeadlineMs);
    }

    [Fact]
    public void Connect_AgainAsAnotherUser_403()
    {
        var driver = SessionDriver.NewConnectedSession(s_tokenRequired, s_alice);

        driver.Receive(Requests.Connect("c", "t"));
        var request = AssertCall<AuthenticateRequest>(driver.Effects());
        driver.Complete(new AuthenticateResult(request.Number, new ClientIdentity("mallory", [], null)));

        AssertError(driver.Effects(), ErrorCode.PermissionDenied, "c");
        Assert.Equal("alice", driver.Session.User);
    }

    [Fact]
    public void Anonymous_MayConnectWithAToken()
    {
        var driver = SessionDriver.NewConnectedSession();

        Connect(driver, s_alice);

        Assert.Equal("alice", driver.Session.User);
    }

    public static TheoryData<string> PrivateCases => [.. s_private.Keys];

    private static readonly Dictionary<string, (ClientIdentity? Identity, string Channel, bool Allowed)> s_private = new()
    {
        ["anonymous"] = (null, "private:alice", false),
        ["token without channels"] = (new("alice", [], null), "private:alice", false),
        ["token for another channel"] = (new("alice", ["private:bob"], null), "private:alice", false),
        ["token for the exact channel"] = (new("alice", ["private:alice"], null), "private:alice", true),
        ["token with a matching pattern"] = (new("alice", ["private:*"], null), "private:alice", true),
        ["token with *"] = (new("alice", ["*"], null), "private:alice", true),
        ["pattern is a prefix, not a glob"] = (new("alice", ["priv*"], null), "private:alice", true),
        ["token for a longer name"] = (new("alice", ["private:alice2"], null), "private:alice", false),
    };

    [Theory]
    [MemberData(nameof(PrivateCases))]
    public void PrivateChannel_NeedsAClaimThatAllowsIt(string @case)
    {
        var (identity, channel, allowed) = s_private[@case];
        var settings = SessionDriver.SettingsByNamespace(new Dictionary<string, ChannelPolicy> { ["private"] = new() { Private = true } });
        var driver = SessionDriver.NewConnectedSession(settings, identity);

        driver.Receive(Requests.Subscribe("s", channel));

        var effects = driver.Effects();
        if (allowed)
        {
            AssertCall<SubscribeRequest>(effects);
        }
        else
        {
            AssertError(effects, ErrorCode.PermissionDenied, "s");
        }
    }

    [Theory]
    [InlineData(EnvelopeType.Publish)]
    [InlineData(EnvelopeType.Presence)]
    [InlineData(EnvelopeType.History)]
    public void PrivateChannel_OtherRequestsNeedTheClaimToo(EnvelopeType type)
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(new ChannelPolicy { Private = true }), s_alice);

        driver.Receive(new Envelope { Type = type, Id = "r", Channel = "private:x", Data = "1"u8.ToArray() });

        AssertError(driver.Effects(), ErrorCode.PermissionDenied, "r");
    }

    [Theory]
    [InlineData(EnvelopeType.Subscribe)]
    [InlineData(EnvelopeType.Publish)]
    [InlineData(EnvelopeType.Presence)]
    [InlineData(EnvelopeType.History)]
    public void NamespaceWithoutAnonymousAccess_AnonymousGets403(EnvelopeType type)
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(new ChannelPolicy { AllowAnonymous = false }));

        driver.Receive(new Envelope { Type = type, Id = "r", Channel = "members:x", Data = "1"u8.ToArray() });

        AssertError(driver.Effects(), ErrorCode.PermissionDenied, "r");
    }

    [Fact]
    public void NamespaceWithoutAnonymousAccess_AuthenticatedMayUseIt()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(new ChannelPolicy { AllowAnonymous = false }), s_alice);

        driver.Receive(Requests.Subscribe("s", "members:x"));

        Assert.Equal(new ClientInfo(SessionDriver.ClientId, "alice"), AssertCall<SubscribeRequest>(driver.Effects()).Info);
    }

    private static SessionDriver Authenticating()
    {
        var driver = new SessionDriver(s_tokenRequired);
        driver.Effects();
        return driver;
    }

    private static void Connect(SessionDriver driver, ClientIdentity identity)
    {
        driver.Receive(Requests.Connect("c", "t"));
        var request = AssertCall<AuthenticateRequest>(driver.Effects());
        driver.Complete(new AuthenticateResult(request.Number, identity));
        AssertReply<ConnectReply>(driver.Effects(), "c");
    }
}
