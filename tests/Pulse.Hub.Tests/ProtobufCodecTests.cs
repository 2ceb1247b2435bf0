using System.Buffers;
using System.Text;
using Google.Protobuf;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;
using Wire = Pulse.Hub.Protocol.Wire;

namespace Pulse.Hub.Tests;

/// <summary>
/// Issue 5 §6: "a binary variant of the same protocol over Protobuf (subprotocol <c>pulse.v1.protobuf</c>,
/// schema in <c>proto/pulse.proto</c>) … clients of either kind share channels". Length-delimited envelopes,
/// golden bytes for the server's envelopes, and what only Protobuf can get wrong.
/// </summary>
public sealed class ProtobufCodecTests
{
    public static TheoryData<string> GoldenCases => [.. s_golden.Keys];

    private static readonly Dictionary<string, (ServerEnvelope Envelope, string Hex)> s_golden = new()
    {
        // length 10 | 1:"pong" | 2:"p9"
        ["pong"] = (new PongEnvelope("p9"), "0A 0A 04 70 6F 6E 67 12 02 70 39"),

        // length 21 | 1:"error" | 2:"s1" | 31:422 | 32:"bad"
        ["error"] = (new ErrorEnvelope("s1", ErrorCode.InvalidChannel, "bad"), "15 0A 05 65 72 72 6F 72 12 02 73 31 F8 01 A6 03 82 02 03 62 61 64"),

        // length 21 | 1:"welcome" | 20:"c1" | 22:25 | 23:1000
        ["welcome"] = (new WelcomeEnvelope("c1", 25, 1000), "15 0A 07 77 65 6C 63 6F 6D 65 A2 01 02 63 31 B0 01 19 B8 01 E8 07"),

        // length 14 | 1:"reply" | 2:"p1" | 25:42
        ["publish reply"] = (new ReplyEnvelope("p1", new PublishReply(42)), "0E 0A 05 72 65 70 6C 79 12 02 70 31 C8 01 2A"),
    };

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Write_ServerEnvelope_GoldenBytes(string @case)
    {
        var (envelope, hex) = s_golden[@case];
        var output = new ArrayBufferWriter<byte>();

        ProtobufEnvelopeCodec.Instance.Write(output, envelope);

        Assert.Equal(hex, Convert.ToHexString(output.WrittenSpan).Chunk(2).Select(pair => new string(pair)).Aggregate((a, b) => $"{a} {b}"));
    }

    [Fact]
    public void WriteMessage_GoldenBytes()
    {
        var output = new ArrayBufferWriter<byte>();

        ProtobufEnvelopeCodec.Instance.WriteMessage(output, "c", "e1", new Publication(5, "1"u8.ToArray(), null, 1005, "c9", ackRequired: true));

        // length 36 | 1:"message" | 2:"e1:5" | 4:true | 11:"c" | 24:"e1" | 33:{1:5, 2:"1", 4:1005}
        Assert.Equal(
            Convert.FromHexString("24" + "0A076D657373616765" + "120465313A35" + "2001" + "5A0163" + "C201026531" + "8A0208" + "0805" + "120131" + "20ED07"),
            output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_SubscribeReplyRecovered_EveryFieldOnTheWire()
    {
        var reply = new ReplyEnvelope("s1", new SubscribeReply(new("e1", 7), true, [new Publication(7, """{"a":1}"""u8.ToArray(), "bob", 1007)]));

        var wire = WriteAndParse(reply);

        Assert.Equal(("reply", "s1", "e1", 7UL, true), (wire.Type, wire.Id, wire.Epoch, wire.Offset, wire.Recovered));
        var publication = Assert.Single(wire.Publications);
        Assert.Equal((7UL, """{"a":1}""", "bob", 1007L), (publication.Offset, publication.Data.ToStringUtf8(), publication.User, publication.Timestamp));
    }

    [Fact]
    public void Write_SubscribeReplyWithoutSince_HasNoRecoveredField()
    {
        var wire = WriteAndParse(new ReplyEnvelope("s1", new SubscribeReply(new("e1", 0), null, [])));

        Assert.False(wire.HasRecovered);
        Assert.Equal("e1", wire.Epoch);
    }

    [Fact]
    public void Write_PresenceReply_CountAndClients()
    {
        var wire = WriteAndParse(new ReplyEnvelope("q", new PresenceReply([new("c1", "alice"), new("c2", "")])));

        Assert.Equal(2U, wire.Count);
        Assert.Equal(["c1/alice", "c2/"], wire.Clients.Select(info => $"{info.Client}/{info.User}"));
    }

    [Fact]
    public void Write_JoinAndLeave()
    {
        var join = WriteAndParse(new JoinLeaveEnvelope(true, "chat", new("c2", "bob")));
        var leave = WriteAndParse(new JoinLeaveEnvelope(false, "chat", new("c2", "bob")));

        Assert.Equal(("join", "chat", "c2", "bob"), (join.Type, join.Channel, join.Client, join.User));
        Assert.Equal("leave", leave.Type);
    }

    [Fact]
    public void Read_BrokenLengthPrefix_OneErrorForTheRest()
    {
        var message = Concat(new ClientFields { Type = "ping", Id = "a" }.ToProtobuf(), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);

        var results = Read(message);

        Assert.Equal(2, results.Count);
        Assert.Equal("a", results[0].Envelope?.Id);
        Assert.Equal(ErrorCode.BadRequest, results[1].Error?.Code);
    }

    [Fact]
    public void Read_LengthBeyondTheMessage_IsAnError()
    {
        var results = Read([0x10, 0x0A, 0x04]);

        Assert.Equal(ErrorCode.BadRequest, Assert.Single(results).Error?.Code);
    }

    [Fact]
    public void Read_InvalidProtobufBetweenGoodOnes_OnlyThatOneFails()
    {
        var message = Concat(
            new ClientFields { Type = "ping", Id = "a" }.ToProtobuf(),
            [0x03, 0x0A, 0x05, 0x61],
            new ClientFields { Type = "ping", Id = "b" }.ToProtobuf());

        var results = Read(message);

        Assert.Equal(["a", null, "b"], results.Select(result => result.Envelope?.Id));
        Assert.Equal(ErrorCode.BadRequest, results[1].Error?.Code);
    }

    public static TheoryData<string> BadData => [.. s_badData.Keys];

    private static readonly Dictionary<string, byte[]> s_badData = new()
    {
        ["empty"] = [],
        ["not JSON"] = "hello"u8.ToArray(),
        ["two JSON values"] = "1 2"u8.ToArray(),
        ["truncated JSON"] = """{"a":"""u8.ToArray(),
        ["invalid UTF-8 in a string"] = [(byte)'"', 0xC3, 0x28, (byte)'"'],
        ["nested 1000 deep"] = Encoding.UTF8.GetBytes(new string('[', 1000) + new string(']', 1000)),
    };

    [Theory]
    [MemberData(nameof(BadData))]
    public void Read_PublishDataNotOneJsonValue_IsBadRequestWithId(string @case)
    {
        var wire = new Wire.Envelope { Type = "publish", Id = "p1", Channel = "chat", Data = ByteString.CopyFrom(s_badData[@case]) };

        var error = Assert.Single(Read(ClientFields.Delimited(wire))).Error;

        Assert.Equal(new ProtocolError(ErrorCode.BadRequest, "data must be one JSON value in UTF-8", "p1"), error);
    }

    [Fact]
    public void Read_UnknownFields_AreIgnored()
    {
        var body = new Wire.Envelope { Type = "ping", Id = "a" }.ToByteArray();
        byte[] withUnknown = [.. body, 0x98, 0x06, 0x01];

        var envelope = Assert.Single(Read([(byte)withUnknown.Length, .. withUnknown])).Envelope;

        Assert.Equal(new Envelope { Type = EnvelopeType.Ping, Id = "a" }, envelope);
    }

    [Fact]
    public void Read_SinceOffsetBeyond63Bits_IsBadRequest()
    {
        var wire = new Wire.Envelope { Type = "subscribe", Id = "s1", Channel = "c", Since = new Wire.StreamPosition { Epoch = "e", Offset = ulong.MaxValue } };

        var error = Assert.Single(Read(ClientFields.Delimited(wire))).Error;

        Assert.Equal(ErrorCode.BadRequest, error?.Code);
    }

    [Fact]
    public void Codec_NamesItsSubprotocolAndFrames()
    {
        Assert.Equal("pulse.v1.protobuf", ProtobufEnvelopeCodec.Instance.Subprotocol);
        Assert.Equal(MessageType.Binary, ProtobufEnvelopeCodec.Instance.MessageType);
    }

    [Fact]
    public void SharedChannels_PublishedOverProtobuf_DeliveredOverJson()
    {
        const string data = """{"text":"héllo","n":[1,2.5e3]}""";
        var published = Assert.Single(Read(new ClientFields { Type = "publish", Id = "p", Channel = "c", Data = data }.ToProtobuf())).Envelope!;
        var publication = new Publication(1, published.Data, null, 1001);
        var json = new ArrayBufferWriter<byte>();

        JsonEnvelopeCodec.Instance.WriteMessage(json, "c", "e1", publication);

        Assert.Contains($"\"data\":{data},", Encoding.UTF8.GetString(json.WrittenSpan), StringComparison.Ordinal);
    }

    [Fact]
    public void SharedChannels_PublishedOverJson_DeliveredOverProtobuf()
    {
        const string data = """{ "text" : "hi" }""";
        var results = new List<EnvelopeReadResult>();
        JsonEnvelopeCodec.Instance.Read(Encoding.UTF8.GetBytes($$$"""{"type":"publish","id":"p","payload":{"channel":"c","data":{{{data}}}}}"""), results);
        var publication = new Publication(1, results[0].Envelope!.Data, null, 1001);
        var output = new ArrayBufferWriter<byte>();

        ProtobufEnvelopeCodec.Instance.WriteMessage(output, "c", "e1", publication);

        var wire = Wire.Envelope.Parser.ParseDelimitedFrom(new MemoryStream(output.WrittenSpan.ToArray()));
        Assert.Equal(data, wire.Publication.Data.ToStringUtf8());
    }

    [Fact]
    public void WriteMessage_SameBytesEveryTime()
    {
        var publication = new Publication(5, "{}"u8.ToArray(), null, 1);
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();

        ProtobufEnvelopeCodec.Instance.WriteMessage(first, "c", "e1", publication);
        ProtobufEnvelopeCodec.Instance.WriteMessage(second, "c", "e1", publication);

        Assert.Equal(first.WrittenSpan.ToArray(), second.WrittenSpan.ToArray());
    }

    private static Wire.Envelope WriteAndParse(ServerEnvelope envelope)
    {
        var output = new ArrayBufferWriter<byte>();
        ProtobufEnvelopeCodec.Instance.Write(output, envelope);
        using var stream = new MemoryStream(output.WrittenSpan.ToArray());
        var wire = Wire.Envelope.Parser.ParseDelimitedFrom(stream);
        Assert.Equal(stream.Length, stream.Position);
        return wire;
    }

    private static List<EnvelopeReadResult> Read(byte[] message)
    {
        var results = new List<EnvelopeReadResult>();
        ProtobufEnvelopeCodec.Instance.Read(message, results);
        return results;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(part => part)];
}
