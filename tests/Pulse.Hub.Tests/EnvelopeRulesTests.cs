using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: "<c>type</c> is required; <c>id</c> is required on every request that expects a reply", each type
/// has its payload fields, and "a bad envelope (not JSON, unknown type, missing field, wrong type) gets an
/// <c>error</c> (with the request <c>id</c> when there is one)". Issue 5 §6: both variants share every rule and
/// every test of the core, so these cases run once per codec (see the two subclasses).
/// </summary>
public abstract class EnvelopeRulesTests
{
    private static readonly string s_longId = new('i', EnvelopeLimits.MaxIdLength + 1);
    private static readonly string s_maxId = new('i', EnvelopeLimits.MaxIdLength);

    private static readonly Dictionary<string, (ClientFields Fields, ErrorCode Code, string? Id)> s_invalid = new()
    {
        ["missing type"] = (new() { Id = "r1" }, ErrorCode.BadRequest, "r1"),
        ["empty type"] = (new() { Type = "", Id = "r1" }, ErrorCode.BadRequest, "r1"),
        ["unknown type"] = (new() { Type = "subscribe_all", Id = "r1" }, ErrorCode.UnknownType, "r1"),
        ["type in upper case"] = (new() { Type = "PING", Id = "r1" }, ErrorCode.UnknownType, "r1"),
        ["server type sent by a client"] = (new() { Type = "reply", Id = "r1" }, ErrorCode.UnknownType, "r1"),
        ["missing id on subscribe"] = (new() { Type = "subscribe", Channel = "chat" }, ErrorCode.BadRequest, null),
        ["missing id on ping"] = (new() { Type = "ping" }, ErrorCode.BadRequest, null),
        ["missing id on ack"] = (new() { Type = "ack" }, ErrorCode.BadRequest, null),
        ["empty id"] = (new() { Type = "ping", Id = "" }, ErrorCode.BadRequest, null),
        ["id longer than 128"] = (new() { Type = "ping", Id = s_longId }, ErrorCode.BadRequest, null),
        ["connect without token"] = (new() { Type = "connect", Id = "r1" }, ErrorCode.BadRequest, "r1"),
        ["subscribe without channel"] = (new() { Type = "subscribe", Id = "r1" }, ErrorCode.BadRequest, "r1"),
        ["unsubscribe without channel"] = (new() { Type = "unsubscribe", Id = "r1" }, ErrorCode.BadRequest, "r1"),
        ["presence without channel"] = (new() { Type = "presence", Id = "r1" }, ErrorCode.BadRequest, "r1"),
        ["history without channel"] = (new() { Type = "history", Id = "r1" }, ErrorCode.BadRequest, "r1"),
        ["publish without channel"] = (new() { Type = "publish", Id = "r1", Data = "1" }, ErrorCode.BadRequest, "r1"),
        ["publish without data"] = (new() { Type = "publish", Id = "r1", Channel = "chat" }, ErrorCode.BadRequest, "r1"),
        ["channel with a space"] = (new() { Type = "subscribe", Id = "r1", Channel = "chat lobby" }, ErrorCode.InvalidChannel, "r1"),
        ["channel with a slash"] = (new() { Type = "publish", Id = "r1", Channel = "chat/lobby", Data = "1" }, ErrorCode.InvalidChannel, "r1"),
        ["empty channel"] = (new() { Type = "subscribe", Id = "r1", Channel = "" }, ErrorCode.InvalidChannel, "r1"),
        ["channel longer than 128"] = (new() { Type = "subscribe", Id = "r1", Channel = new string('c', 129) }, ErrorCode.InvalidChannel, "r1"),
        ["non-ASCII channel"] = (new() { Type = "subscribe", Id = "r1", Channel = "chät" }, ErrorCode.InvalidChannel, "r1"),
        ["since without epoch"] = (new() { Type = "subscribe", Id = "r1", Channel = "chat", HasSince = true, SinceOffset = 3 }, ErrorCode.BadRequest, "r1"),
        ["since without offset"] = (new() { Type = "subscribe", Id = "r1", Channel = "chat", HasSince = true, SinceEpoch = "e" }, ErrorCode.BadRequest, "r1"),
        ["since epoch longer than 128"] = (new() { Type = "history", Id = "r1", Channel = "chat", HasSince = true, SinceEpoch = new string('e', 129), SinceOffset = 1 }, ErrorCode.BadRequest, "r1"),
        ["limit beyond 32 bits"] = (new() { Type = "history", Id = "r1", Channel = "chat", Limit = 1L + int.MaxValue }, ErrorCode.BadRequest, "r1"),
        ["data nested 65 deep"] = (new() { Type = "publish", Id = "r1", Channel = "chat", Data = Nested(65) }, ErrorCode.BadRequest, "r1"),
    };

    private static readonly Dictionary<string, (ClientFields Fields, Envelope Expected)> s_valid = new()
    {
        ["connect"] = (
            new() { Type = "connect", Id = "r1", Token = "t0k" },
            new() { Type = EnvelopeType.Connect, Id = "r1", Token = "t0k" }),
        ["subscribe"] = (
            new() { Type = "subscribe", Id = "r1", Channel = "chat:lobby" },
            new() { Type = EnvelopeType.Subscribe, Id = "r1", Channel = "chat:lobby" }),
        ["subscribe with since"] = (
            new() { Type = "subscribe", Id = "r1", Channel = "chat:lobby", HasSince = true, SinceEpoch = "e1", SinceOffset = 7 },
            new() { Type = EnvelopeType.Subscribe, Id = "r1", Channel = "chat:lobby", Since = new("e1", 7) }),
        ["subscribe with since at offset 0 and an empty epoch"] = (
            new() { Type = "subscribe", Id = "r1", Channel = "c", HasSince = true, SinceEpoch = "", SinceOffset = 0 },
            new() { Type = EnvelopeType.Subscribe, Id = "r1", Channel = "c", Since = new("", 0) }),
        ["unsubscribe"] = (
            new() { Type = "unsubscribe", Id = "r1", Channel = "a.b-c_d:e" },
            new() { Type = EnvelopeType.Unsubscribe, Id = "r1", Channel = "a.b-c_d:e" }),
        ["publish"] = (
            new() { Type = "publish", Id = "r1", Channel = "chat", Data = """{"text":"hi"}""", Timestamp = 1763700000123 },
            new() { Type = EnvelopeType.Publish, Id = "r1", Channel = "chat", Timestamp = 1763700000123 }),
        ["publish with ack_required"] = (
            new() { Type = "publish", Id = "r1", Channel = "chat", Data = "null", AckRequired = true },
            new() { Type = EnvelopeType.Publish, Id = "r1", Channel = "chat", AckRequired = true }),
        ["publish with data nested 64 deep"] = (
            new() { Type = "publish", Id = "r1", Channel = "chat", Data = Nested(64) },
            new() { Type = EnvelopeType.Publish, Id = "r1", Channel = "chat" }),
        ["presence"] = (
            new() { Type = "presence", Id = "r1", Channel = "chat" },
            new() { Type = EnvelopeType.Presence, Id = "r1", Channel = "chat" }),
        ["history"] = (
            new() { Type = "history", Id = "r1", Channel = "chat" },
            new() { Type = EnvelopeType.History, Id = "r1", Channel = "chat" }),
        ["history with since and limit"] = (
            new() { Type = "history", Id = "r1", Channel = "chat", HasSince = true, SinceEpoch = "e", SinceOffset = 2, Limit = 10 },
            new() { Type = EnvelopeType.History, Id = "r1", Channel = "chat", Since = new("e", 2), Limit = 10 }),
        ["history with limit 0"] = (
            new() { Type = "history", Id = "r1", Channel = "chat", Limit = 0 },
            new() { Type = EnvelopeType.History, Id = "r1", Channel = "chat", Limit = 0 }),
        ["ping"] = (new() { Type = "ping", Id = "r1" }, new() { Type = EnvelopeType.Ping, Id = "r1" }),
        ["ping with an id of 128 characters"] = (new() { Type = "ping", Id = s_maxId }, new() { Type = EnvelopeType.Ping, Id = s_maxId }),
        ["ack"] = (new() { Type = "ack", Id = "e1:5" }, new() { Type = EnvelopeType.Ack, Id = "e1:5" }),
        ["fields the type does not use are ignored"] = (
            new() { Type = "ping", Id = "r1", Channel = "not a channel", Token = "t", Limit = 3 },
            new() { Type = EnvelopeType.Ping, Id = "r1" }),
        ["ack_required ignored outside publish"] = (
            new() { Type = "subscribe", Id = "r1", Channel = "c", AckRequired = true },
            new() { Type = EnvelopeType.Subscribe, Id = "r1", Channel = "c" }),
    };

    public static TheoryData<string> InvalidCases => [.. s_invalid.Keys];

    public static TheoryData<string> ValidCases => [.. s_valid.Keys];

    private protected abstract IEnvelopeCodec Codec { get; }

    private protected abstract byte[] Encode(ClientFields fields);

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Read_BadEnvelope_IsAnErrorWithCodeAndId(string @case)
    {
        var (fields, code, id) = s_invalid[@case];

        var result = ReadOne(Encode(fields));

        Assert.Null(result.Envelope);
        var error = Assert.IsType<ProtocolError>(result.Error);
        Assert.Equal(code, error.Code);
        Assert.Equal(id, error.Id);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Read_ValidEnvelope_HasEveryFieldItsTypeUses(string @case)
    {
        var (fields, expected) = s_valid[@case];

        var result = ReadOne(Encode(fields));

        Assert.Null(result.Error);
        var envelope = Assert.IsType<Envelope>(result.Envelope);
        Assert.Equal(expected with { Data = default }, envelope with { Data = default });
        Assert.Equal(fields.Type == "publish" ? fields.Data : null, envelope.Type == EnvelopeType.Publish ? Utf8(envelope.Data) : null);
    }

    [Fact]
    public void Read_Batch_EachEnvelopeReadOnItsOwn()
    {
        var message = Concat(
            Encode(new() { Type = "ping", Id = "a" }),
            Encode(new() { Type = "subscribe", Id = "b", Channel = "bad channel" }),
            Encode(new() { Type = "publish", Id = "c", Channel = "chat", Data = "[1,2]" }));

        var results = new List<EnvelopeReadResult>();
        Codec.Read(message, results);

        Assert.Equal(3, results.Count);
        Assert.Equal(EnvelopeType.Ping, results[0].Envelope?.Type);
        Assert.Equal(new ProtocolError(ErrorCode.InvalidChannel, results[1].Error!.Message, "b"), results[1].Error);
        Assert.Equal("[1,2]", Utf8(results[2].Envelope!.Data));
    }

    [Fact]
    public void Read_EmptyMessage_ReadsNothing()
    {
        var results = new List<EnvelopeReadResult>();

        Codec.Read([], results);

        Assert.Empty(results);
    }

    [Theory]
    [InlineData("\"text\"")]
    [InlineData("-12.5e3")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("""{"nested":{"list":[1,"two",{"three":3}]}}""")]
    [InlineData("\"h\\u00e9llo \\ud83d\\ude00\"")]
    public void Read_PublishData_KeptAsTheExactJsonText(string json)
    {
        var envelope = ReadOne(Encode(new() { Type = "publish", Id = "p", Channel = "c", Data = json })).Envelope;

        Assert.Equal(json, Utf8(envelope!.Data));
    }

    private EnvelopeReadResult ReadOne(byte[] message)
    {
        var results = new List<EnvelopeReadResult>();
        Codec.Read(message, results);
        return Assert.Single(results);
    }

    private protected static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private protected static string Utf8(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);

    private protected static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(part => part)];
}

/// <summary>The envelope rules over <c>pulse.v1.json</c>: one envelope per line.</summary>
public sealed class JsonEnvelopeRulesTests : EnvelopeRulesTests
{
    private protected override IEnvelopeCodec Codec => JsonEnvelopeCodec.Instance;

    private protected override byte[] Encode(ClientFields fields) => [.. fields.ToJson(), (byte)'\n'];
}

/// <summary>The envelope rules over <c>pulse.v1.protobuf</c>: length-delimited envelopes.</summary>
public sealed class ProtobufEnvelopeRulesTests : EnvelopeRulesTests
{
    private protected override IEnvelopeCodec Codec => ProtobufEnvelopeCodec.Instance;

    private protected override byte[] Encode(ClientFields fields) => fields.ToProtobuf();
}
