using System.Buffers;
using System.Text;
using Pulse.Hub.Client;
using Pulse.Hub.Client.Internal;
using Pulse.Hub.Protocol;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>
/// The client's pure pieces, without sockets: its envelopes read by the hub's own codec and the hub's envelopes
/// read by the client, in both variants of pulse.v1 (the same codec objects on both sides), the per-subscription
/// position that drops duplicates, the pending-request table, the reconnection backoff and policy.
/// </summary>
[Trait("Category", "HubClient")]
public sealed class HubClientProtocolTests
{
    public static TheoryData<HubProtocol> Protocols => [HubProtocol.Json, HubProtocol.Protobuf];

    private static byte[] WrittenByClient(HubProtocol protocol, Envelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>();
        HubProtocolCodec.Of(protocol).WriteClient(buffer, envelope);
        return buffer.WrittenSpan.ToArray();
    }

    private static Envelope ReadByHub(HubProtocol protocol, Envelope sent)
    {
        var results = new List<EnvelopeReadResult>();
        HubProtocolCodec.Of(protocol).Read(WrittenByClient(protocol, sent), results);
        var result = Assert.Single(results);
        Assert.Null(result.Error);
        return result.Envelope!;
    }

    private static List<ServerEnvelope> ReadByClient(HubProtocol protocol, byte[] frame)
    {
        var results = new List<ServerEnvelopeReadResult>();
        HubProtocolCodec.Of(protocol).ReadServer(frame, results);
        Assert.All(results, result => Assert.Null(result.Problem));
        return [.. results.Select(result => result.Envelope!)];
    }

    private static ServerEnvelope RoundTrip(HubProtocol protocol, ServerEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>();
        HubProtocolCodec.Of(protocol).Write(buffer, envelope);
        return Assert.Single(ReadByClient(protocol, buffer.WrittenSpan.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void ClientEnvelopes_ReadByTheHubsCodec_AsSent(HubProtocol protocol)
    {
        var connect = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Connect, Id = "c1", Token = "tok" });
        var subscribe = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Subscribe, Id = "c2", Channel = "chat:lobby", Since = new StreamPosition("9f3a", 38) });
        var plainSubscribe = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Subscribe, Id = "c3", Channel = "news" });
        var unsubscribe = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Unsubscribe, Id = "c4", Channel = "news" });
        var publish = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Publish, Id = "c5", Channel = "chat:lobby", Data = "{\"text\": \"hé\"}"u8.ToArray(), AckRequired = true });
        var presence = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Presence, Id = "c6", Channel = "room" });
        var history = ReadByHub(protocol, new Envelope { Type = EnvelopeType.History, Id = "c7", Channel = "room", Since = new StreamPosition("e", 2), Limit = 10 });
        var ping = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Ping, Id = "c8" });
        var ack = ReadByHub(protocol, new Envelope { Type = EnvelopeType.Ack, Id = "9f3a:42" });

        Assert.Equal((EnvelopeType.Connect, "c1", "tok"), (connect.Type, connect.Id, connect.Token));
        Assert.Equal((EnvelopeType.Subscribe, "c2", "chat:lobby", new StreamPosition("9f3a", 38)), (subscribe.Type, subscribe.Id, subscribe.Channel, subscribe.Since));
        Assert.Null(plainSubscribe.Since);
        Assert.Equal((EnvelopeType.Unsubscribe, "news"), (unsubscribe.Type, unsubscribe.Channel));
        Assert.Equal((EnvelopeType.Publish, "chat:lobby", true), (publish.Type, publish.Channel, publish.AckRequired));
        Assert.Equal("{\"text\": \"hé\"}", Encoding.UTF8.GetString(publish.Data.Span));
        Assert.Equal((EnvelopeType.Presence, "room"), (presence.Type, presence.Channel));
        Assert.Equal((EnvelopeType.History, new StreamPosition("e", 2), 10), (history.Type, history.Since, history.Limit));
        Assert.Null(plainSubscribe.Limit);
        Assert.Equal((EnvelopeType.Ping, "c8"), (ping.Type, ping.Id));
        Assert.Equal((EnvelopeType.Ack, "9f3a:42"), (ack.Type, ack.Id));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void WriteClient_RefusesServerEnvelopeTypes(HubProtocol protocol) =>
        Assert.Throws<ArgumentException>(() => WrittenByClient(protocol, new Envelope { Type = EnvelopeType.Welcome }));

    [Fact]
    public void ClientEnvelopes_InJson_ReadAsTheProtocolReferenceShowsThem()
    {
        var ping = WrittenByClient(HubProtocol.Json, new Envelope { Type = EnvelopeType.Ping, Id = "c1" });
        var publish = WrittenByClient(HubProtocol.Json, new Envelope { Type = EnvelopeType.Publish, Id = "c2", Channel = "chat:lobby", Data = "{\"text\":\"hé\"}"u8.ToArray(), AckRequired = true });

        Assert.Equal("{\"type\":\"ping\",\"id\":\"c1\"}", Encoding.UTF8.GetString(ping));
        Assert.Equal("{\"type\":\"publish\",\"id\":\"c2\",\"ack_required\":true,\"payload\":{\"channel\":\"chat:lobby\",\"data\":{\"text\":\"hé\"}}}", Encoding.UTF8.GetString(publish));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void HubEnvelopes_WrittenByTheHubsCodec_ReadByTheClient(HubProtocol protocol)
    {
        var publication = new Publication(42, "{\"text\":\"hi\"}"u8.ToArray(), "alice", 1763700000400, ackRequired: true);
        var buffer = new ArrayBufferWriter<byte>();
        HubProtocolCodec.Of(protocol).WriteMessage(buffer, "chat:lobby", "9f3a", publication);
        var message = Assert.IsType<MessageEnvelope>(Assert.Single(ReadByClient(protocol, buffer.WrittenSpan.ToArray())));
        var anonymous = Assert.IsType<MessageEnvelope>(RoundTrip(protocol, new MessageEnvelope("news", "e", new Publication(1, "[]"u8.ToArray(), null, 5))));

        Assert.Equal(new WelcomeEnvelope("k3Xy", 25, 1763700000000), RoundTrip(protocol, new WelcomeEnvelope("k3Xy", 25, 1763700000000)));
        Assert.Equal(new ErrorEnvelope("2", ErrorCode.InvalidChannel, "bad"), RoundTrip(protocol, new ErrorEnvelope("2", ErrorCode.InvalidChannel, "bad")));
        Assert.Equal(new ErrorEnvelope(null, ErrorCode.BadRequest, "not JSON"), RoundTrip(protocol, new ErrorEnvelope(null, ErrorCode.BadRequest, "not JSON")));
        Assert.Equal(new JoinLeaveEnvelope(true, "chat:lobby", new ClientInfo("Qp7r", "bob")), RoundTrip(protocol, new JoinLeaveEnvelope(true, "chat:lobby", new ClientInfo("Qp7r", "bob"))));
        Assert.Equal(new JoinLeaveEnvelope(false, "chat:lobby", new ClientInfo("Qp7r", "")), RoundTrip(protocol, new JoinLeaveEnvelope(false, "chat:lobby", new ClientInfo("Qp7r", ""))));
        Assert.Equal(new PongEnvelope("8"), RoundTrip(protocol, new PongEnvelope("8")));
        Assert.Equal(("9f3a:42", "chat:lobby", "9f3a"), (message.Id, message.Channel, message.Epoch));
        Assert.Equal((42L, "alice", 1763700000400L, true), (message.Publication.Offset, message.Publication.User, message.Publication.Timestamp, message.Publication.AckRequired));
        Assert.Equal("{\"text\":\"hi\"}", Encoding.UTF8.GetString(message.Publication.Data.Span));
        Assert.Equal(("e:1", null, false, "[]"), (anonymous.Id, anonymous.Publication.User, anonymous.Publication.AckRequired, Encoding.UTF8.GetString(anonymous.Publication.Data.Span)));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Replies_WrittenByTheHubsCodec_DecodedAsTheRequestExpects(HubProtocol protocol)
    {
        var publications = new[] { new Publication(39, "\"a\""u8.ToArray(), "bob", 100), new Publication(40, "[1]"u8.ToArray(), null, 200) };
        var subscribe = Payload(protocol, new SubscribeReply(new StreamPosition("9f3a", 41), true, publications));
        var plainSubscribe = Payload(protocol, new SubscribeReply(new StreamPosition("9f3a", 41), null, []));
        var notRecovered = Payload(protocol, new SubscribeReply(new StreamPosition("new", 0), false, []));
        var presence = Payload(protocol, new PresenceReply([new ClientInfo("a", "alice"), new ClientInfo("b", "")]));
        var history = Payload(protocol, new HistoryReply(new StreamPosition("9f3a", 42), publications));

        var recovered = subscribe.ToSubscribeReply();
        var plain = plainSubscribe.ToSubscribeReply();
        Assert.Equal((new StreamPosition("9f3a", 41), (bool?)true), (recovered.Position, recovered.Recovered));
        Assert.Equal([39L, 40L], recovered.Publications.Select(p => p.Offset));
        Assert.Equal(["\"a\"", "[1]"], recovered.Publications.Select(p => Encoding.UTF8.GetString(p.Data.Span)));
        Assert.Equal(["bob", null], recovered.Publications.Select(p => p.User));
        Assert.Equal([100L, 200L], recovered.Publications.Select(p => p.Timestamp));
        Assert.Null(plain.Recovered);
        Assert.Empty(plain.Publications);
        Assert.Equal((new StreamPosition("new", 0), (bool?)false), (notRecovered.ToSubscribeReply().Position, notRecovered.ToSubscribeReply().Recovered));
        Assert.Equal(42, Payload(protocol, new PublishReply(42)).ToPublishReply().Offset);
        Assert.Equal([new ClientInfo("a", "alice"), new ClientInfo("b", "")], presence.ToPresenceReply().Clients);
        Assert.Empty(Payload(protocol, new PresenceReply([])).ToPresenceReply().Clients);
        Assert.Equal(new StreamPosition("9f3a", 42), history.ToHistoryReply().Position);
        Assert.Equal([39L, 40L], history.ToHistoryReply().Publications.Select(p => p.Offset));
        Assert.Equal(new ConnectReply("k3Xy", "alice"), Payload(protocol, new ConnectReply("k3Xy", "alice")).ToConnectReply());
        Assert.Equal(new ConnectReply("k3Xy", ""), Payload(protocol, new ConnectReply("k3Xy", "")).ToConnectReply());
    }

    [Fact]
    public void AJsonReply_WithoutWhatItsRequestNeeds_IsAFormatException()
    {
        // Protobuf cannot tell an absent offset from 0 (proto3 without explicit presence); JSON can, and says so.
        var empty = Payload(HubProtocol.Json, EmptyReply.Instance);

        Assert.Throws<FormatException>(() => empty.ToPublishReply());
        Assert.Throws<FormatException>(() => empty.ToSubscribeReply());
        Assert.Throws<FormatException>(() => empty.ToPresenceReply());
        Assert.Throws<FormatException>(() => empty.ToConnectReply());
    }

    private static ReceivedReply Payload(HubProtocol protocol, ReplyPayload payload)
    {
        var reply = Assert.IsType<ReplyEnvelope>(RoundTrip(protocol, new ReplyEnvelope("r", payload)));
        Assert.Equal("r", reply.Id);
        return Assert.IsType<ReceivedReply>(reply.Payload);
    }

    [Fact]
    public void AJsonFrameWithSeveralLines_EachReadOnItsOwn_ABadLineSkippedWithAProblem_UnknownTypesIgnored()
    {
        var frame = Encoding.UTF8.GetBytes(
            "{\"type\":\"pong\",\"id\":\"1\"}\r\n" +
            "not json\n" +
            "\n" +
            "{\"type\":\"message\",\"id\":\"e:1\",\"payload\":{\"channel\":\"c\"}}\n" +
            "{\"type\":\"teleport\",\"id\":\"x\"}\n" +
            "{\"type\":\"pong\",\"id\":\"2\",\"future\":[1]}");
        var results = new List<ServerEnvelopeReadResult>();

        JsonEnvelopeCodec.Instance.ReadServer(frame, results);

        Assert.Equal([new PongEnvelope("1"), new PongEnvelope("2")], results.Where(r => r.Envelope is not null).Select(r => r.Envelope));
        Assert.Equal(2, results.Count(r => r.Problem is not null)); // not JSON; a message without epoch, offset and data
    }

    [Fact]
    public void AProtobufMessageWithSeveralEnvelopes_EachReadOnItsOwn_ABadOneSkippedWithAProblem_UnknownTypesIgnored()
    {
        var buffer = new ArrayBufferWriter<byte>();
        ProtobufEnvelopeCodec.Instance.Write(buffer, new PongEnvelope("1"));
        buffer.Write<byte>([0x02, 0xFF, 0xFF]); // a length prefix, then two bytes that are no Protobuf message
        ProtobufEnvelopeCodec.Instance.WriteClient(buffer, new Envelope { Type = EnvelopeType.Ping, Id = "x" }); // a client type
        buffer.Write<byte>([0x09, 0x0A, 0x07, .. "teleport"u8[..7]]); // type "telepor": unknown, skipped
        ProtobufEnvelopeCodec.Instance.WriteMessage(buffer, "c", "e", new Publication(1, "{"u8.ToArray(), null, 0)); // data not JSON
        ProtobufEnvelopeCodec.Instance.Write(buffer, new PongEnvelope("2"));
        var results = new List<ServerEnvelopeReadResult>();

        ProtobufEnvelopeCodec.Instance.ReadServer(buffer.WrittenSpan, results);

        Assert.Equal([new PongEnvelope("1"), new PongEnvelope("2")], results.Where(r => r.Envelope is not null).Select(r => r.Envelope));
        Assert.Equal(["envelope is not valid Protobuf", "'ping' is not a server envelope", "publication data is not one JSON value"], results.Where(r => r.Problem is not null).Select(r => r.Problem));
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

    private static byte[] Ping(string id) => WrittenByClient(HubProtocol.Json, new Envelope { Type = EnvelopeType.Ping, Id = id });

    [Fact]
    public void PendingRequests_IdsUniqueForTheClientsLife_RepliesTakeTheirRequest()
    {
        var pending = new PendingRequests();

        var first = pending.Add(RequestKind.Publish, Ping);
        var second = pending.Add(RequestKind.Presence, Ping);

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
        var requests = kinds.Select(kind => pending.Add(kind, Ping)).ToList();
        foreach (var request in requests)
        {
            request.SentOn = 1;
        }

        var ended = new List<PendingRequest>();
        pending.TakeEndedByDisconnect(ended);
        var late = pending.Add(RequestKind.Publish, Ping);
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
