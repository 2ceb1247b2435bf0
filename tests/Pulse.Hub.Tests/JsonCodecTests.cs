using System.Buffers;
using System.Text;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2, JSON variant (<c>pulse.v1.json</c>): "every frame is one JSON envelope (a batch may carry
/// several, one per line)"; "unknown top-level fields are ignored"; "a publication is
/// <c>{offset, data, user?, timestamp}</c> wherever it appears". Reading cases only JSON can express, and the
/// exact text of every server envelope (golden strings).
/// </summary>
public sealed class JsonCodecTests
{
    private static readonly string s_hugeString = new('x', 1 << 20);

    private static readonly Dictionary<string, (string Line, ErrorCode Code, string? Id)> s_malformed = new()
    {
        ["not JSON"] = ("hello", ErrorCode.BadRequest, null),
        ["truncated after the id"] = ("""{"type":"ping","id":"p1" """, ErrorCode.BadRequest, "p1"),
        ["unterminated string"] = ("""{"type":"ping","id":"p1""", ErrorCode.BadRequest, null),
        ["a JSON array"] = ("[1,2]", ErrorCode.BadRequest, null),
        ["a JSON string"] = ("\"ping\"", ErrorCode.BadRequest, null),
        ["empty object"] = ("{}", ErrorCode.BadRequest, null),
        ["trailing garbage"] = ("""{"type":"ping","id":"p1"} x""", ErrorCode.BadRequest, "p1"),
        ["two envelopes on one line"] = ("""{"type":"ping","id":"p1"}{"type":"ping","id":"p2"}""", ErrorCode.BadRequest, "p1"),
        ["comment"] = ("""{"type":"ping","id":"p1"} // hi""", ErrorCode.BadRequest, "p1"),
        ["type is a number"] = ("""{"type":5,"id":"p1"}""", ErrorCode.BadRequest, "p1"),
        ["type is an object"] = ("""{"id":"p1","type":{"name":"ping"}}""", ErrorCode.BadRequest, "p1"),
        ["id is a number"] = ("""{"type":"ping","id":5}""", ErrorCode.BadRequest, null),
        ["id is an array"] = ("""{"type":"ping","id":["p1"]}""", ErrorCode.BadRequest, null),
        ["timestamp is a string"] = ("""{"type":"ping","id":"p1","timestamp":"now"}""", ErrorCode.BadRequest, "p1"),
        ["timestamp is a fraction"] = ("""{"type":"ping","id":"p1","timestamp":1.5}""", ErrorCode.BadRequest, "p1"),
        ["timestamp is a huge number"] = ("""{"type":"ping","id":"p1","timestamp":1e400}""", ErrorCode.BadRequest, "p1"),
        ["timestamp beyond 64 bits"] = ("""{"type":"ping","id":"p1","timestamp":99999999999999999999}""", ErrorCode.BadRequest, "p1"),
        ["payload is an array"] = ("""{"type":"subscribe","id":"s1","payload":["chat"]}""", ErrorCode.BadRequest, "s1"),
        ["payload is a string"] = ("""{"type":"subscribe","id":"s1","payload":"chat"}""", ErrorCode.BadRequest, "s1"),
        ["channel is a number"] = ("""{"type":"subscribe","id":"s1","payload":{"channel":42}}""", ErrorCode.BadRequest, "s1"),
        ["token is a number"] = ("""{"type":"connect","id":"c1","payload":{"token":42}}""", ErrorCode.BadRequest, "c1"),
        ["since is a string"] = ("""{"type":"subscribe","id":"s1","payload":{"channel":"c","since":"e:1"}}""", ErrorCode.BadRequest, "s1"),
        ["since epoch is a number"] = ("""{"type":"subscribe","id":"s1","payload":{"channel":"c","since":{"epoch":1,"offset":1}}}""", ErrorCode.BadRequest, "s1"),
        ["since offset is negative"] = ("""{"type":"subscribe","id":"s1","payload":{"channel":"c","since":{"epoch":"e","offset":-1}}}""", ErrorCode.BadRequest, "s1"),
        ["since offset is a fraction"] = ("""{"type":"subscribe","id":"s1","payload":{"channel":"c","since":{"epoch":"e","offset":1.5}}}""", ErrorCode.BadRequest, "s1"),
        ["since offset is a string"] = ("""{"type":"subscribe","id":"s1","payload":{"channel":"c","since":{"epoch":"e","offset":"1"}}}""", ErrorCode.BadRequest, "s1"),
        ["since offset is huge"] = ("""{"type":"subscribe","id":"s1","payload":{"channel":"c","since":{"epoch":"e","offset":1e30}}}""", ErrorCode.BadRequest, "s1"),
        ["limit is negative"] = ("""{"type":"history","id":"h1","payload":{"channel":"c","limit":-1}}""", ErrorCode.BadRequest, "h1"),
        ["limit is a fraction"] = ("""{"type":"history","id":"h1","payload":{"channel":"c","limit":2.5}}""", ErrorCode.BadRequest, "h1"),
        ["limit is a string"] = ("""{"type":"history","id":"h1","payload":{"channel":"c","limit":"10"}}""", ErrorCode.BadRequest, "h1"),
        ["ack_required is a string"] = ("""{"type":"publish","id":"p1","ack_required":"yes","payload":{"channel":"c","data":1}}""", ErrorCode.BadRequest, "p1"),
        ["data nested 1000 deep"] = ($$$"""{"type":"publish","id":"p1","payload":{"channel":"c","data":{{{Nested(1000)}}}}}""", ErrorCode.BadRequest, "p1"),
        ["unknown field nested 1000 deep"] = ($$"""{"type":"ping","id":"p1","extra":{{Nested(1000)}}}""", ErrorCode.BadRequest, "p1"),
        ["huge string as id"] = ($$"""{"type":"ping","id":"{{s_hugeString}}"}""", ErrorCode.BadRequest, null),
        ["huge string as channel"] = ($$$"""{"type":"subscribe","id":"s1","payload":{"channel":"{{{s_hugeString}}}"}}""", ErrorCode.InvalidChannel, "s1"),
        ["huge string as type"] = ($$"""{"type":"{{s_hugeString}}","id":"p1"}""", ErrorCode.UnknownType, "p1"),
        ["huge string as since epoch"] = ($$$$"""{"type":"subscribe","id":"s1","payload":{"channel":"c","since":{"epoch":"{{{{s_hugeString}}}}","offset":1}}}""", ErrorCode.BadRequest, "s1"),
        ["lone surrogate escape in the id"] = ("""{"type":"ping","id":"\uD800"}""", ErrorCode.BadRequest, null),
    };

    public static TheoryData<string> MalformedCases => [.. s_malformed.Keys];

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Read_Malformed_IsAnErrorWithCodeAndId(string @case)
    {
        var (line, code, id) = s_malformed[@case];

        var error = Assert.IsType<ProtocolError>(ReadOne(line).Error);

        Assert.Equal(code, error.Code);
        Assert.Equal(id, error.Id);
        Assert.True(error.Message.Length < 200, "an error message stays short whatever was sent");
    }

    [Fact]
    public void Read_InvalidUtf8_IsAnError()
    {
        byte[] line = [.. """{"type":"ping","id":"""u8, (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];
        var results = new List<EnvelopeReadResult>();

        JsonEnvelopeCodec.Instance.Read(line, results);

        Assert.Equal(ErrorCode.BadRequest, Assert.Single(results).Error?.Code);
    }

    [Fact]
    public void Read_UnknownFields_AreIgnored()
    {
        var envelope = ReadOne("""{"v":2,"type":"publish","meta":{"a":[1,{"b":null}]},"id":"p1","payload":{"channel":"c","data":1,"priority":"high","tags":["x"]}}""").Envelope;

        Assert.Equal(EnvelopeType.Publish, envelope?.Type);
        Assert.Equal("c", envelope?.Channel);
    }

    [Fact]
    public void Read_FieldsInAnyOrder_PayloadBeforeType()
    {
        var envelope = ReadOne("""{"payload":{"since":{"offset":4,"epoch":"e"},"channel":"c"},"id":"s1","type":"subscribe"}""").Envelope;

        Assert.Equal(new StreamPosition("e", 4), envelope?.Since);
    }

    [Fact]
    public void Read_EscapedNamesAndValues_AreUnescaped()
    {
        var envelope = ReadOne("""{"\u0074ype":"subscribe","id":"s\u0031","payload":{"chan\u006eel":"\u0063hat"}}""").Envelope;

        Assert.Equal(new Envelope { Type = EnvelopeType.Subscribe, Id = "s1", Channel = "chat" }, envelope);
    }

    [Fact]
    public void Read_NullFields_CountAsAbsent()
    {
        var envelope = ReadOne("""{"type":"history","id":"h1","timestamp":null,"payload":{"channel":"c","since":null,"limit":null}}""").Envelope;

        Assert.Equal(new Envelope { Type = EnvelopeType.History, Id = "h1", Channel = "c" }, envelope);
    }

    [Fact]
    public void Read_NullData_IsAJsonValue()
    {
        var envelope = ReadOne("""{"type":"publish","id":"p1","payload":{"channel":"c","data":null}}""").Envelope;

        Assert.Equal("null", Encoding.UTF8.GetString(envelope!.Data.Span));
    }

    [Fact]
    public void Read_DataWithSpacesAndHugeNumbers_CapturedByteForByte()
    {
        const string data = """{ "big": 1e400, "long": 123456789012345678901234567890, "s": "a\nb" }""";

        var envelope = ReadOne($$$"""{"type":"publish","id":"p1","payload":{"channel":"c","data":{{{data}}}}}""").Envelope;

        Assert.Equal(data, Encoding.UTF8.GetString(envelope!.Data.Span));
    }

    [Fact]
    public void Read_DuplicateField_LastOneWins()
    {
        var envelope = ReadOne("""{"type":"ping","id":"a","id":"b"}""").Envelope;

        Assert.Equal("b", envelope?.Id);
    }

    [Fact]
    public void Read_Batch_SplitsOnNewlinesAndSkipsBlankLines()
    {
        var results = Read("{\"type\":\"ping\",\"id\":\"a\"}\r\n\n   \n{\"type\":\"ping\",\"id\":\"b\"}\nnot json\n{\"type\":\"ping\",\"id\":\"c\"}\n");

        Assert.Equal(["a", "b", null, "c"], results.Select(result => result.Envelope?.Id));
        Assert.Equal(ErrorCode.BadRequest, results[2].Error?.Code);
    }

    [Fact]
    public void Read_OnlyBlankLines_ReadsNothing() => Assert.Empty(Read("\n\r\n \t\n"));

    [Fact]
    public void Codec_NamesItsSubprotocolAndFrames()
    {
        Assert.Equal("pulse.v1.json", JsonEnvelopeCodec.Instance.Subprotocol);
        Assert.Equal(MessageType.Text, JsonEnvelopeCodec.Instance.MessageType);
    }

    public static TheoryData<string> GoldenCases => [.. s_golden.Keys];

    private static readonly Dictionary<string, (ServerEnvelope Envelope, string Json)> s_golden = new()
    {
        ["welcome"] = (new WelcomeEnvelope("c1", 25, 1763700000123), """{"type":"welcome","payload":{"client":"c1","heartbeat":25,"time":1763700000123}}"""),
        ["connect reply"] = (new ReplyEnvelope("r1", new ConnectReply("c1", "alice")), """{"type":"reply","id":"r1","payload":{"client":"c1","user":"alice"}}"""),
        ["subscribe reply without since"] = (
            new ReplyEnvelope("s1", new SubscribeReply(new("e1", 7), null, [])),
            """{"type":"reply","id":"s1","payload":{"epoch":"e1","offset":7}}"""),
        ["subscribe reply recovered"] = (
            new ReplyEnvelope("s1", new SubscribeReply(new("e1", 7), true, [Pub(6, """{"t":"a"}""", "bob"), Pub(7, "2", null)])),
            """{"type":"reply","id":"s1","payload":{"epoch":"e1","offset":7,"recovered":true,"publications":[{"offset":6,"data":{"t":"a"},"user":"bob","timestamp":1006},{"offset":7,"data":2,"timestamp":1007}]}}"""),
        ["subscribe reply not recovered"] = (
            new ReplyEnvelope("s1", new SubscribeReply(new("e2", 3), false, [])),
            """{"type":"reply","id":"s1","payload":{"epoch":"e2","offset":3,"recovered":false,"publications":[]}}"""),
        ["unsubscribe reply"] = (new ReplyEnvelope("u1", EmptyReply.Instance), """{"type":"reply","id":"u1","payload":{}}"""),
        ["publish reply"] = (new ReplyEnvelope("p1", new PublishReply(42)), """{"type":"reply","id":"p1","payload":{"offset":42}}"""),
        ["presence reply"] = (
            new ReplyEnvelope("q1", new PresenceReply([new("c1", "alice"), new("c2", "")])),
            """{"type":"reply","id":"q1","payload":{"count":2,"clients":[{"client":"c1","user":"alice"},{"client":"c2","user":""}]}}"""),
        ["history reply"] = (
            new ReplyEnvelope("h1", new HistoryReply(new("e1", 9), [Pub(9, "[1]", null)])),
            """{"type":"reply","id":"h1","payload":{"epoch":"e1","offset":9,"publications":[{"offset":9,"data":[1],"timestamp":1009}]}}"""),
        ["error with id"] = (
            new ErrorEnvelope("s1", ErrorCode.InvalidChannel, "channel must be 1 to 128 letters, digits or ':', '_', '-', '.'"),
            """{"type":"error","id":"s1","payload":{"code":422,"message":"channel must be 1 to 128 letters, digits or ':', '_', '-', '.'"}}"""),
        ["error without id"] = (new ErrorEnvelope(null, ErrorCode.BadRequest, "envelope is not valid JSON"), """{"type":"error","payload":{"code":400,"message":"envelope is not valid JSON"}}"""),
        ["join"] = (new JoinLeaveEnvelope(true, "chat", new("c2", "bob")), """{"type":"join","payload":{"channel":"chat","client":"c2","user":"bob"}}"""),
        ["leave"] = (new JoinLeaveEnvelope(false, "chat", new("c2", "")), """{"type":"leave","payload":{"channel":"chat","client":"c2","user":""}}"""),
        ["pong"] = (new PongEnvelope("p9"), """{"type":"pong","id":"p9"}"""),
        ["non-ASCII text stays readable, quotes escaped"] = (
            new ErrorEnvelope("ü", ErrorCode.PermissionDenied, "Zoë's \"room\" <b>"),
            """{"type":"error","id":"ü","payload":{"code":403,"message":"Zoë's \"room\" <b>"}}"""),
    };

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Write_ServerEnvelope_GoldenJson(string @case)
    {
        var (envelope, json) = s_golden[@case];
        var output = new ArrayBufferWriter<byte>();

        JsonEnvelopeCodec.Instance.Write(output, envelope);

        Assert.Equal(json, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteMessage_GoldenJson()
    {
        var output = new ArrayBufferWriter<byte>();

        JsonEnvelopeCodec.Instance.WriteMessage(output, "chat:lobby", "e1", Pub(5, """{"text":"hi"}""", "alice"));

        Assert.Equal(
            """{"type":"message","id":"e1:5","payload":{"channel":"chat:lobby","offset":5,"epoch":"e1","data":{"text":"hi"},"user":"alice","timestamp":1005}}""",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteMessage_AckRequired_GoldenJson()
    {
        var output = new ArrayBufferWriter<byte>();

        JsonEnvelopeCodec.Instance.WriteMessage(output, "c", "e1", new Publication(1, "1"u8.ToArray(), null, 1001, "c9", ackRequired: true));

        Assert.Equal(
            """{"type":"message","id":"e1:1","ack_required":true,"payload":{"channel":"c","offset":1,"epoch":"e1","data":1,"timestamp":1001}}""",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteMessage_SameBytesEveryTime()
    {
        var publication = Pub(5, "{}", null);
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();

        JsonEnvelopeCodec.Instance.WriteMessage(first, "c", "e1", publication);
        JsonEnvelopeCodec.Instance.WriteMessage(second, "c", "e1", publication);

        Assert.Equal(first.WrittenSpan.ToArray(), second.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_ThenRead_ServerTypesAreRefusedFromClients()
    {
        var output = new ArrayBufferWriter<byte>();
        JsonEnvelopeCodec.Instance.Write(output, new PongEnvelope("p1"));

        var error = ReadOne(Encoding.UTF8.GetString(output.WrittenSpan)).Error;

        Assert.Equal(new ProtocolError(ErrorCode.UnknownType, error!.Message, "p1"), error);
    }

    private static Publication Pub(long offset, string json, string? user) => new(offset, Encoding.UTF8.GetBytes(json), user, 1000 + offset);

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static List<EnvelopeReadResult> Read(string text)
    {
        var results = new List<EnvelopeReadResult>();
        JsonEnvelopeCodec.Instance.Read(Encoding.UTF8.GetBytes(text), results);
        return results;
    }

    private static EnvelopeReadResult ReadOne(string line) => Assert.Single(Read(line));
}
