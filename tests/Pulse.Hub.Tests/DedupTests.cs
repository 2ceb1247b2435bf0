using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "A <c>publish</c> retried with the same <c>id</c> is applied once and answered with the same
/// reply (de-duplication window)."
/// </summary>
public sealed class DedupTests
{
    [Fact]
    public void Publish_DuplicateIdWithinWindow_AcknowledgedOnce()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Publish("p1", "chat"));
        var request = AssertCall<PublishRequest>(driver.Effects());
        driver.Complete(new PublishResult(request.Number, new("e1", 5)));
        AssertReply<PublishReply>(driver.Effects(), "p1");

        driver.NowMs += 1_000;
        driver.Receive(Requests.Publish("p1", "chat"));

        Assert.Equal(5, AssertReply<PublishReply>(driver.Effects(), "p1").Offset);
    }

    [Fact]
    public void Publish_DuplicateWhileTheFirstIsInFlight_AppliedOnceAndBothAnswered()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Publish("p1", "chat"));
        var request = AssertCall<PublishRequest>(driver.Effects());

        driver.Receive(Requests.Publish("p1", "chat"));
        Assert.Empty(driver.Effects());
        driver.Complete(new PublishResult(request.Number, new("e1", 5)));

        var effects = driver.Effects();
        Assert.Equal(2, effects.Count);
        Assert.All(effects, effect => Assert.Equal(new ReplyEnvelope("p1", new PublishReply(5)), Assert.IsType<SendEnvelope>(effect).Envelope));
    }

    [Fact]
    public void Publish_DuplicateOfAFailedPublish_PublishedAgain()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Publish("p1", "chat"));
        var first = AssertCall<PublishRequest>(driver.Effects());
        driver.Complete(new EngineFailure(first.Number, ErrorCode.Unavailable, "down"));
        driver.Effects();

        driver.Receive(Requests.Publish("p1", "chat"));

        Assert.NotEqual(first.Number, AssertCall<PublishRequest>(driver.Effects()).Number);
    }

    [Fact]
    public void Publish_DuplicatesWaitingOnAFailedPublish_AllGetTheError()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Publish("p1", "chat"));
        var request = AssertCall<PublishRequest>(driver.Effects());
        driver.Receive(Requests.Publish("p1", "chat"));

        driver.Complete(new EngineFailure(request.Number, ErrorCode.Unavailable, "down"));

        var effects = driver.Effects();
        Assert.Equal(2, effects.Count);
        Assert.All(effects, effect => Assert.Equal(ErrorCode.Unavailable, Assert.IsType<ErrorEnvelope>(Assert.IsType<SendEnvelope>(effect).Envelope).Code));
    }

    [Fact]
    public void Publish_SameIdAfterTheWindow_PublishedAgain()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings() with { DedupWindowMs = 60_000 });
        driver.Receive(Requests.Publish("p1", "chat"));
        driver.Complete(new PublishResult(AssertCall<PublishRequest>(driver.Effects()).Number, new("e1", 5)));
        driver.Effects();

        driver.NowMs += 60_000;
        driver.Receive(Requests.Publish("p1", "chat"));

        AssertCall<PublishRequest>(driver.Effects());
    }

    [Fact]
    public void Publish_DifferentIds_EachPublished()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Receive(Requests.Publish("p1", "chat"));
        driver.Receive(Requests.Publish("p2", "chat"));

        Assert.Equal(2, driver.Effects().OfType<CallEngine>().Count());
    }

    [Fact]
    public void Publish_RetriedOverTheWire_SameReplyText()
    {
        var driver = SessionDriver.NewConnectedSession();
        const string Publish = """{"type":"publish","id":"c42","payload":{"channel":"chat","data":1}}""";
        driver.ReceiveJson(Publish);
        driver.Complete(new PublishResult(AssertCall<PublishRequest>(driver.Effects()).Number, new("e1", 9)));
        var first = AssertSent<ReplyEnvelope>(driver.Effects());

        driver.ReceiveJson(Publish);

        Assert.Equal(first, AssertSent<ReplyEnvelope>(driver.Effects()));
    }
}
