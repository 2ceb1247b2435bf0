using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: server → client <c>join</c> / <c>leave</c> (<c>channel</c>, <c>client</c>, <c>user</c>), in
/// namespaces whose options turn join/leave events on, to clients subscribed to the channel.
/// </summary>
public sealed class JoinLeaveTests
{
    private static readonly SessionSettings s_joinLeaveOn = SessionDriver.DefaultSettings(new ChannelPolicy { JoinLeave = true });
    private static readonly ClientInfo s_bob = new("c2", "bob");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Subscribed_JoinLeaveOn_Delivered(bool join)
    {
        var driver = SessionDriver.NewSubscribedSession("room", settings: s_joinLeaveOn);

        driver.Session.DeliverJoinLeave("room", join, s_bob, driver.NowMs);

        Assert.Equal(new JoinLeaveEnvelope(join, "room", s_bob), AssertSent<JoinLeaveEnvelope>(driver.Effects()));
    }

    [Fact]
    public void JoinLeaveOffInTheNamespace_NotDelivered()
    {
        var driver = SessionDriver.NewSubscribedSession("room");

        driver.Session.DeliverJoinLeave("room", true, s_bob, driver.NowMs);

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void NotSubscribed_NotDelivered()
    {
        var driver = SessionDriver.NewSubscribedSession("room", settings: s_joinLeaveOn);

        driver.Session.DeliverJoinLeave("other", true, s_bob, driver.NowMs);

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void WhileSubscribing_NotDelivered_TheClientHasNoReplyYet()
    {
        var driver = SessionDriver.NewConnectedSession(s_joinLeaveOn);
        driver.Receive(Requests.Subscribe("s1", "room"));
        driver.Effects();

        driver.Session.DeliverJoinLeave("room", true, new(SessionDriver.ClientId, ""), driver.NowMs);

        Assert.Empty(driver.Effects());
    }

    [Fact]
    public void AfterUnsubscribing_NotDelivered()
    {
        var driver = SessionDriver.NewSubscribedSession("room", settings: s_joinLeaveOn);
        driver.Receive(Requests.Unsubscribe("u1", "room"));
        driver.Effects();

        driver.Session.DeliverJoinLeave("room", false, new(SessionDriver.ClientId, ""), driver.NowMs);

        Assert.Empty(driver.Effects());
    }
}
