using System.Buffers;
using System.Text;
using Pulse.Hub.Client.Internal;
using Pulse.Hub.Protocol;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>
/// The client's pure pieces, without sockets: its envelopes read by the hub's own codec and the hub's envelopes
/// read by the client, the per-subscription position that drops duplicates, the pending-request table, the
/// reconnection backoff and policy.
/// </summary>
[Trait("Category", "HubClient")]
public sealed class HubClientProtocolTests
{
    private static Envelope ReadByHub(byte[] frame)
    {
        var results = new List<EnvelopeReadResult>();
        JsonEnvelopeCodec.Instance.Read(frame, results);
        var result = Assert.Single(results);
        Assert.Null(result.Error);
        return result.Envelope!;
    }

    private static List<ServerEnvelope> ReadByClient(byte[] frame)
    {
        var envelopes = new List<ServerEnvelope>();
        var problems = new List<string>();
        ServerEnvelopeReader.Read(frame, envelopes, problems);
        Assert.Empty(problems);
        return envelopes;
    }

    private static byte[] WrittenByHub(ServerEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonEnvelopeCodec.Instance.Write(buffer, envelope);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void ClientEnvelopes_ReadByTheHubsCodec_AsSent()
    {
        var connect = ReadByHub(ClientEnvelopeWriter.Connect("c1", "tok"));
        var subscribe = ReadByHub(ClientEnvelopeWriter.Subscribe("c2", "chat:lobby", new StreamPosition("9f3a", 38)));
        var plainSubscribe = ReadByHub(ClientEnvelopeWriter.Subscribe("c3", "news", null));
        var unsubscribe = ReadByHub(ClientEnvelopeWriter.Unsubscribe("c4", "news"));
        var publish = ReadByHub(ClientEnvelopeWriter.Publish("c5", "chat:lobby", "{\"text\": \"hé\"}"u8.ToArray(), ackRequired: true));
        var presence = ReadByHub(ClientEnvelopeWriter.Presence("c6", "room"));
        var history = ReadByHub(ClientEnvelopeWriter.History("c7", "room", new StreamPosition("e", 2), 10));
        var ping = ReadByHub(ClientEnvelopeWriter.Ping("c8"));
        var ack = ReadByHub(ClientEnvelopeWriter.Ack("9f3a:42"));

        Assert.Equal((EnvelopeType.Connect, "c1", "tok"), (connect.Type, connect.Id, connect.Token));
        Assert.Equal((EnvelopeType.Subscribe, "c2", "chat:lobby", new StreamPosition("9f3a", 38)), (subscribe.Type, subscribe.Id, subscribe.Channel, subscribe.Since));
        Assert.Null(plainSubscribe.Since);
        Assert.Equal((EnvelopeType.Unsubscribe, "news"), (unsubscribe.Type, unsubscribe.Channel));
        Assert.Equal((EnvelopeType.Publish, "chat:lobby", true), (publish.Type, publish.Channel, publish.AckRequired));
        Assert.Equal("{\"text\": \"hé\"}", Encoding.UTF8.GetString(publish.Data.Span));
        Assert.Equal((EnvelopeType.Presence, "room"), (presence.Type, presence.Channel));
        Assert.Equal((EnvelopeType.History, new StreamPosition("e", 2), 10), (history.Type, history.Since, history.Limit));
        Assert.Equal((EnvelopeType.Ping, "c8"), (ping.Type, ping.Id));
        Assert.Equal((EnvelopeType.Ack, "9f3a:42"), (ack.Type, ack.Id));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData(" {\"a\":[1,2]} ", true)]
    [InlineData("\"text\"", true)]
    [InlineData("null", true)]
    [InlineData("", false)]
    [InlineData("{\"a\":", false)]
    [InlineData("1 2", false)]
    [InlineData("{not json}", false)]
    public void PublicationData_MustBeOneJsonValue(string data, bool valid) =>
        Assert.Equal(valid, ClientEnvelopeWriter.IsJsonValue(Encoding.UTF8.GetBytes(data)));

    [Fact]
    public void HubEnvelopes_WrittenByTheHubsCodec_ReadByTheClient()
    {
        var welcome = ReadByClient(WrittenByHub(new WelcomeEnvelope("k3Xy", 25, 1763700000000)));
        var error = ReadByClient(WrittenByHub(new ErrorEnvelope("2", ErrorCode.InvalidChannel, "bad")));
        var join = ReadByClient(WrittenByHub(new JoinLeaveEnvelope(true, "chat:lobby", new ClientInfo("Qp7r", "bob"))));
        var pong = ReadByClient(WrittenByHub(new PongEnvelope("8")));
        var publication = new Publication(42, "{\"text\":\"hi\"}"u8.ToArray(), "alice", 1763700000400, ackRequired: true);
        var buffer = new ArrayBufferWriter<byte>();
        JsonEnvelopeCodec.Instance.WriteMessage(buffer, "chat:lobby", "9f3a", publication);
        var message = Assert.IsType<MessageEnvelope>(Assert.Single(ReadByClient(buffer.WrittenSpan.ToArray())));

        Assert.Equal(new WelcomeEnvelope("k3Xy", 25, 1763700000000), Assert.Single(welcome));
        Assert.Equal(new ErrorEnvelope("2", ErrorCode.InvalidChannel, "bad"), Assert.Single(error));
        Assert.Equal(new JoinLeaveEnvelope(true, "chat:lobby", new ClientInfo("Qp7r", "bob")), Assert.Single(join));
        Assert.Equal(new PongEnvelope("8"), Assert.Single(pong));
        Assert.Equal(("9f3a:42", "chat:lobby", "9f3a"), (message.Id, message.Channel, message.Epoch));
        Assert.Equal((42L, "alice", 1763700000400L, true), (message.Publication.Offset, message.Publication.User, message.Publication.Timestamp, message.Publication.AckRequired));
        Assert.Equal("{\"text\":\"hi\"}", Encoding.UTF8.GetString(message.Publication.Data.Span));
    }

    [Fact]
    public void Replies_WrittenByTheHubsCodec_DecodedAsTheRequestExpects()
    {
        var publications = new[] { new Publication(39, "\"a\""u8.ToArray(), "bob", 100), new Publication(40, "[1]"u8.ToArray(), null, 200) };
        var subscribe = Payload(new SubscribeReply(new StreamPosition("9f3a", 41), true, publications));
        var plainSubscribe = Payload(new SubscribeReply(new StreamPosition("9f3a", 41), null, []));
        var presence = Payload(new PresenceReply([new ClientInfo("a", "alice"), new ClientInfo("b", "")]));
        var history = Payload(new HistoryReply(new StreamPosition("9f3a", 42), publications));

        var recovered = ReplyDecoder.Subscribe(subscribe);
        var plain = ReplyDecoder.Subscribe(plainSubscribe);
        Assert.Equal((new StreamPosition("9f3a", 41), (bool?)true), (recovered.Position, recovered.Recovered));
        Assert.Equal([39L, 40L], recovered.Publications.Select(p => p.Offset));
        Assert.Equal(["\"a\"", "[1]"], recovered.Publications.Select(p => Encoding.UTF8.GetString(p.Data.Span)));
        Assert.Equal(["bob", null], recovered.Publications.Select(p => p.User));
        Assert.Null(plain.Recovered);
        Assert.Empty(plain.Publications);
        Assert.Equal(42, ReplyDecoder.Publish(Payload(new PublishReply(42))).Offset);
        Assert.Equal([new ClientInfo("a", "alice"), new ClientInfo("b", "")], ReplyDecoder.Presence(presence).Clients);
        Assert.Equal(new StreamPosition("9f3a", 42), ReplyDecoder.History(history).Position);
        Assert.Equal(("k3Xy", "alice"), (ReplyDecoder.Connect(Payload(new ConnectReply("k3Xy", "alice"))).Client, ReplyDecoder.Connect(Payload(new ConnectReply("k3Xy", "alice"))).User));
        Assert.Throws<FormatException>(() => ReplyDecoder.Publish(Payload(EmptyReply.Instance)));
    }

    private static System.Text.Json.JsonElement Payload(ReplyPayload payload)
    {
        var reply = Assert.IsType<ReplyEnvelope>(Assert.Single(ReadByClient(WrittenByHub(new ReplyEnvelope("r", payload)))));
        return Assert.IsType<RawReplyPayload>(reply.Payload).Payload;
    }

    [Fact]
    public void AFrameWithSeveralLines_EachReadOnItsOwn_ABadLineSkippedWithAProblem_UnknownTypesIgnored()
    {
        var frame = Encoding.UTF8.GetBytes(
            "{\"type\":\"pong\",\"id\":\"1\"}\r\n" +
            "not json\n" +
            "\n" +
            "{\"type\":\"message\",\"id\":\"e:1\",\"payload\":{\"channel\":\"c\"}}\n" +
            "{\"type\":\"teleport\",\"id\":\"x\"}\n" +
            "{\"type\":\"pong\",\"id\":\"2\",\"future\":[1]}");
        var envelopes = new List<ServerEnvelope>();
        var problems = new List<string>();

        ServerEnvelopeReader.Read(frame, envelopes, problems);

        Assert.Equal([new PongEnvelope("1"), new PongEnvelope("2")], envelopes);
        Assert.Equal(2, problems.Count); // not JSON; a message without epoch, offset and data
    }

    public static TheoryData<string, string, long, bool, long> Deliveries => new()
    {
        // case, epoch, offset, expected "new", expected position offset afterwards (position starts at e:5)
        { "next offset", "e", 6, true, 6 },
        { "a gap (echoes skipped)", "e", 9, true, 9 },
        { "the same offset again (a resend)", "e", 5, false, 5 },
        { "an older offset (recovered, then live)", "e", 3, false, 5 },
        { "another epoch: the stream started over", "f", 1, true, 1 },
        { "offset 0: a direct message, in no stream", "e", 0, true, 5 },
    };

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void StreamTracker_Accept(string @case, string epoch, long offset, bool isNew, long positionAfter)
    {
        var tracker = new StreamTracker(new StreamPosition("e", 5));

        var accepted = tracker.Accept(epoch, offset);

        Assert.True(isNew == accepted, @case);
        Assert.Equal(positionAfter, tracker.Position!.Value.Offset);
    }

    [Fact]
    public void StreamTracker_RecoveredReply_QueuesOnlyWhatWasNotDelivered_ThenMovesToTheReply()
    {
        var tracker = new StreamTracker(new StreamPosition("e", 3));
        var deliver = new List<Publication>();
        var reply = new SubscribeReply(new StreamPosition("e", 6), true, [Publication(3), Publication(4), Publication(5), Publication(6)]);

        var failed = tracker.ApplySubscribeReply(reply, deliver);

        Assert.False(failed);
        Assert.Equal([4L, 5L, 6L], deliver.Select(p => p.Offset));
        Assert.Equal(new StreamPosition("e", 6), tracker.Position);
        Assert.False(tracker.Accept("e", 6));
        Assert.True(tracker.Accept("e", 7));
    }

    [Fact]
    public void StreamTracker_NotRecovered_SaysSo_AndContinuesFromTheReply()
    {
        var tracker = new StreamTracker(new StreamPosition("old", 40));
        var deliver = new List<Publication>();

        var failed = tracker.ApplySubscribeReply(new SubscribeReply(new StreamPosition("new", 0), false, []), deliver);

        Assert.True(failed);
        Assert.Empty(deliver);
        Assert.Equal(new StreamPosition("new", 0), tracker.Position);
        Assert.True(tracker.Accept("new", 1));
    }

    [Fact]
    public void StreamTracker_FirstReplyWithoutSince_StartsAtTheReply()
    {
        var tracker = new StreamTracker();
        var deliver = new List<Publication>();

        var failed = tracker.ApplySubscribeReply(new SubscribeReply(new StreamPosition("e", 41), null, []), deliver);

        Assert.False(failed);
        Assert.Equal(new StreamPosition("e", 41), tracker.Position);
        Assert.False(tracker.Accept("e", 41));
        Assert.True(tracker.Accept("e", 42));
    }

    private static Publication Publication(long offset) => new(offset, "1"u8.ToArray(), null, 0);

    [Fact]
    public void PendingRequests_IdsUniqueForTheClientsLife_RepliesTakeTheirRequest()
    {
        var pending = new PendingRequests();

        var first = pending.Add(RequestKind.Publish, ClientEnvelopeWriter.Ping);
        var second = pending.Add(RequestKind.Presence, ClientEnvelopeWriter.Ping);

        Assert.Equal(["c1", "c2"], new[] { first.Id, second.Id });
        Assert.Equal("{\"type\":\"ping\",\"id\":\"c1\"}", Encoding.UTF8.GetString(first.Envelope));
        Assert.True(pending.TryTake("c2", out var taken));
        Assert.Same(second, taken);
        Assert.False(pending.TryTake("c2", out _));
        Assert.False(pending.Remove(second));
        Assert.True(pending.Remove(first));
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void PendingRequests_ADroppedConnection_EndsSubscribesUnsubscribesAndPings_KeepsPublishesAndReadsForTheNext()
    {
        var pending = new PendingRequests();
        var kinds = new[] { RequestKind.Publish, RequestKind.Subscribe, RequestKind.History, RequestKind.Unsubscribe, RequestKind.Ping, RequestKind.Presence, RequestKind.Publish };
        var requests = kinds.Select(kind => pending.Add(kind, ClientEnvelopeWriter.Ping)).ToList();
        foreach (var request in requests)
        {
            request.SentOn = 1;
        }

        var ended = new List<PendingRequest>();
        pending.TakeEndedByDisconnect(ended);
        var late = pending.Add(RequestKind.Publish, ClientEnvelopeWriter.Ping);
        late.SentOn = 2; // made once the new connection was up, and sent on it
        var toSend = new List<PendingRequest>();
        pending.TakeUnsent(2, toSend);
        var again = new List<PendingRequest>();
        pending.TakeUnsent(2, again);

        Assert.Equal([RequestKind.Subscribe, RequestKind.Unsubscribe, RequestKind.Ping], ended.Select(r => r.Kind));
        Assert.Equal(["c1", "c3", "c6", "c7"], toSend.Select(r => r.Id)); // oldest first, same ids as before
        Assert.All(toSend, r => Assert.Equal(2, r.SentOn));
        Assert.Empty(again);
    }

    [Fact]
    public void ReconnectBackoff_GrowsByTheFactorToTheCap_WithJitterBetweenHalfAndAll_ResetsAfterAStableConnection()
    {
        var random = 0.0;
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 2, () => random);

        var lowest = Enumerable.Range(0, 5).Select(_ => backoff.Next().TotalSeconds).ToList();
        random = 1.0;
        var highest = backoff.Next().TotalSeconds;
        backoff.Reset();
        var afterReset = backoff.Next().TotalSeconds;

        Assert.Equal([0.5, 1, 2, 2.5, 2.5], lowest);
        Assert.Equal(5, highest);
        Assert.Equal(1, afterReset);
    }

    public static TheoryData<string, int?, string, bool> CloseFrames => new()
    {
        { "no close frame: the network dropped", null, "", true },
        { "going away: the hub is restarting", 1001, "server shutting down", true },
        { "internal error / keepalive timeout", 1011, "", true },
        { "service restart", 1012, "", true },
        { "try again later: recovery buffer overflow", 1013, "recovery buffer overflow", true },
        { "token expired: a fresh token may do", 1008, "token expired", true },
        { "disconnected by the server", 1008, "disconnected by the server", false },
        { "too many errors", 1008, "too many errors", false },
        { "normal closure: the hub is done with us", 1000, "", false },
        { "message too big", 1009, "", false },
        { "an application's code", 4001, "banned", false },
    };

    [Theory]
    [MemberData(nameof(CloseFrames))]
    public void ReconnectPolicy_ShouldReconnect(string @case, int? code, string reason, bool reconnect)
    {
        CloseFrame? received = code is { } c ? new CloseFrame((CloseCode)c, reason) : null;

        Assert.True(reconnect == ReconnectPolicy.ShouldReconnect(received), @case);
    }
}
