using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using static Pulse.Hub.Tests.TestKit.Assertions;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: <c>presence</c> (<c>channel</c>) is answered with <c>count</c> and <c>clients</c>
/// [{<c>client</c>, <c>user</c>}]; <c>history</c> (<c>channel</c>, optional <c>since</c>, <c>limit</c>) with
/// <c>epoch</c>, <c>offset</c> and <c>publications</c>; <c>ping</c> is "sent back as <c>pong</c> with the same
/// <c>id</c>". Each namespace has its own history size and presence switch.
/// </summary>
public sealed class PresenceAndHistoryTests
{
    [Fact]
    public void Presence_AsksTheEngine_RepliesTheClients()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Receive(Requests.Presence("q1", "chat"));
        var request = AssertCall<PresenceRequest>(driver.Effects());
        driver.Complete(new PresenceResult(request.Number, [new("c1", ""), new("c2", "bob")]));

        Assert.Equal("chat", request.Channel);
        Assert.Equal([new ClientInfo("c1", ""), new ClientInfo("c2", "bob")], AssertReply<PresenceReply>(driver.Effects(), "q1").Clients);
    }

    [Fact]
    public void Presence_NotSubscribed_StillAllowed()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Receive(Requests.Presence("q1", "elsewhere"));

        AssertCall<PresenceRequest>(driver.Effects());
    }

    [Fact]
    public void Presence_OffInTheNamespace_403()
    {
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(new ChannelPolicy { Presence = false }));

        driver.Receive(Requests.Presence("q1", "chat"));

        AssertError(driver.Effects(), ErrorCode.PermissionDenied, "q1");
    }

    [Fact]
    public void Presence_EngineFails_503()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Presence("q1", "chat"));

        driver.Complete(new EngineFailure(AssertCall<PresenceRequest>(driver.Effects()).Number, ErrorCode.Unavailable, "down"));

        AssertError(driver.Effects(), ErrorCode.Unavailable, "q1");
    }

    public static TheoryData<int?, int, int> Limits => new()
    {
        { null, 100, 100 },
        { 5, 100, 5 },
        { 0, 100, 0 },
        { 1_000, 100, 100 },
        { null, 0, 0 },
        { 10, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void History_LimitCappedByTheNamespaceHistorySize(int? asked, int historySize, int expected)
    {
        var policy = new ChannelPolicy { HistorySize = historySize };
        var driver = SessionDriver.NewConnectedSession(SessionDriver.DefaultSettings(policy));

        driver.Receive(Requests.History("h1", "chat", limit: asked));

        var request = AssertCall<HistoryRequest>(driver.Effects());
        Assert.Equal((expected, policy), (request.Limit, request.Policy));
    }

    [Fact]
    public void History_SinceGoesToTheEngine_ReplyCarriesPositionAndPublications()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.Receive(Requests.History("h1", "chat", new StreamPosition("e1", 2)));
        var request = AssertCall<HistoryRequest>(driver.Effects());
        driver.Complete(new HistoryResult(request.Number, new("e1", 4), Requests.Pubs(3, 4)));

        Assert.Equal(new StreamPosition("e1", 2), request.Since);
        var reply = AssertReply<HistoryReply>(driver.Effects(), "h1");
        Assert.Equal(new StreamPosition("e1", 4), reply.Position);
        Assert.Equal([3L, 4L], reply.Publications.Select(publication => publication.Offset));
    }

    [Fact]
    public void History_EngineFails_ErrorWithTheId()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.History("h1", "chat"));

        driver.Complete(new EngineFailure(AssertCall<HistoryRequest>(driver.Effects()).Number, ErrorCode.Unavailable, "down"));

        AssertError(driver.Effects(), ErrorCode.Unavailable, "h1");
    }

    [Fact]
    public void Ping_AnsweredWithPongAndTheSameId()
    {
        var driver = SessionDriver.NewConnectedSession();

        driver.ReceiveJson("""{"type":"ping","id":"hb-1"}""");

        Assert.Equal(new PongEnvelope("hb-1"), AssertSent<PongEnvelope>(driver.Effects()));
    }

    [Fact]
    public void Complete_MismatchedResult_Internal500()
    {
        var driver = SessionDriver.NewConnectedSession();
        driver.Receive(Requests.Presence("q1", "chat"));
        var request = AssertCall<PresenceRequest>(driver.Effects());

        // A wrong kind of answer is the adapter's bug: reported as 500, never thrown at the client's connection.
        driver.Complete(new HistoryResult(request.Number, new("e", 0), []));

        AssertError(driver.Effects(), ErrorCode.Internal, "q1");
    }
}
