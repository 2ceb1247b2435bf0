using System.Text;
using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: <c>publish</c> (<c>channel</c>, <c>data</c>; the envelope may set <c>ack_required</c>) is answered
/// with the <c>offset</c> the publication got; each namespace says who may publish; issue 5 §7: a payload too
/// large gets an error and the connection stays open.
/// </summary>
public sealed class PublishTests
{
    [Fact]
    public void Publish_CallsTheEngineThenRepliesTheOffset()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Receive(Requests.Publish("p1", "chat", """{"text":"hi"}""", ackRequired: true));
        var request = AssertCall<PublishRequest>(driver.Effects());
        driver.Complete(new PublishResult(request.Number, new("e1", 12)));

        Assert.Equal(("chat", """{"text":"hi"}""", true, new ClientInfo(SessionDriver.ClientId, "")), (request.Channel, Encoding.UTF8.GetString(request.Data.Span), request.AckRequired, request.Info));
        Assert.Equal(12, AssertReply<PublishReply>(driver.Effects(), "p1").Offset);
    }

    [Fact]
    public void Publish_Authenticated_CarriesTheUser()
    {
        var driver = SessionDriver.NewConnectedSession(identity: new ClientIdentity("alice", [], null));

        driver.Receive(Requests.Publish("p1", "chat"));

        Assert.Equal("alice", AssertCall<PublishRequest>(driver.Effects()).Info.User);
    }

    [Fact]
    public void Publish_ServerOnlyNamespace_403()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(new ChannelPolicy { Publish = PublishPermission.ServerOnly }));

        driver.Receive(Requests.Publish("p1", "news"));

        AssertError(driver.Effects(), ErrorCode.PermissionDenied, "p1");
    }

    [Fact]
    public void Publish_SubscribersOnly_NotSubscribed_403()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(new ChannelPolicy { Publish = PublishPermission.Subscribers }));

        driver.Receive(Requests.Publish("p1", "room"));

        AssertError(driver.Effects(), ErrorCode.PermissionDenied, "p1");
    }

    [Fact]
    public void Publish_SubscribersOnly_Subscribed_Allowed()
    {
        var driver = SessionDriver.NewSubscribedSession("room", settings: SessionDriver.DefaultSettings(new ChannelPolicy { Publish = PublishPermission.Subscribers }));

        driver.Receive(Requests.Publish("p1", "room"));

        AssertCall<PublishRequest>(driver.Effects());
    }

    [Fact]
    public void Publish_DataAtTheLimit_Allowed_OneByteMore_413()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxPublishSize = 10 });

        driver.Receive(Requests.Publish("p1", "chat", "\"12345678\""));
        AssertCall<PublishRequest>(driver.Effects());

        driver.Receive(Requests.Publish("p2", "chat", "\"123456789\""));
        AssertError(driver.Effects(), ErrorCode.PayloadTooLarge, "p2");
    }

    [Fact]
    public void Publish_TooLarge_ConnectionStaysOpen()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { MaxPublishSize = 2 });
        driver.Receive(Requests.Publish("p1", "chat", "[1,2,3]"));
        driver.Effects();

        driver.Receive(Requests.Ping("p2"));

        AssertSent<PongEnvelope>(driver.Effects());
    }

    [Fact]
    public void Publish_EngineFails_ErrorWithItsCodeAndTheId()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Publish("p1", "chat"));
        var request = AssertCall<PublishRequest>(driver.Effects());

        driver.Complete(new EngineFailure(request.Number, ErrorCode.Unavailable, "broker unavailable"));

        Assert.Equal("broker unavailable", AssertError(driver.Effects(), ErrorCode.Unavailable, "p1").Message);
    }

    [Fact]
    public void Publish_ThroughJson_DataReachesTheEngineByteForByte()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.ReceiveJson("""{"type":"publish","id":"c42","timestamp":1763700000123,"payload":{"channel":"chat:lobby","data":{"text": "hi"}}}""");

        Assert.Equal("""{"text": "hi"}""", Encoding.UTF8.GetString(AssertCall<PublishRequest>(driver.Effects()).Data.Span));
    }
}
