using System.Text;
using Pulse.Hub.Protocol;

namespace Pulse.Tests.Fuzzing;

/// <summary>
/// Fuzzing the hub's envelope codecs (pulse.v1.json and pulse.v1.protobuf): random bytes and mutated valid
/// batches. Whatever arrives, <c>Read</c> (the server side) and <c>ReadServer</c> (the client side) never throw,
/// and each result is an envelope or an error, never both or neither.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class EnvelopeCodecFuzzTests
{
    private static readonly string[] s_jsonSeeds =
    [
        """{"type":"publish","id":"c42","timestamp":1763700000123,"ack_required":true,"payload":{"channel":"chat:lobby","data":{"text":"hi","n":[1,2.5e3,null,true]}}}""",
        """{"type":"subscribe","id":"3","payload":{"channel":"chat:lobby","since":{"epoch":"9f3a1c2b","offset":38}}}""",
        """{"type":"history","id":"7","payload":{"channel":"chat:lobby","since":{"epoch":"9f3a1c2b","offset":40},"limit":10}}""",
        """{"type":"connect","id":"1","payload":{"token":"eyJhbGciOi.e30.sig"}}""" + "\n" + """{"type":"ping","id":"p"}""",
        """{"type":"ack","id":"e1:5"}""" + "\r\n\n" + """{"type":"presence","id":"6","payload":{"channel":"chat:lobby","data":"a\u00e9\ud83d\ude00"}}""",
    ];

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Json_RandomAndMutatedInput_NeverThrows(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < FuzzInput.Iterations; i++)
        {
            var input = random.Next(4) == 0
                ? FuzzInput.RandomBytes(random, 256)
                : FuzzInput.Mutate(random, Encoding.UTF8.GetBytes(s_jsonSeeds[random.Next(s_jsonSeeds.Length)]));
            ReadAndCheck(JsonEnvelopeCodec.Instance, input, $"json seed {seed}, iteration {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Protobuf_RandomAndMutatedInput_NeverThrows(int seed)
    {
        var random = new Random(seed);
        var seeds = ProtobufSeeds();
        for (var i = 0; i < FuzzInput.Iterations; i++)
        {
            var input = random.Next(4) == 0
                ? FuzzInput.RandomBytes(random, 256)
                : FuzzInput.Mutate(random, seeds[random.Next(seeds.Length)]);
            ReadAndCheck(ProtobufEnvelopeCodec.Instance, input, $"protobuf seed {seed}, iteration {i}");
        }
    }

    public static TheoryData<string, int> ClientSideCases => new()
    {
        { "json", 1 }, { "json", 2 }, { "json", 3 },
        { "protobuf", 1 }, { "protobuf", 2 }, { "protobuf", 3 },
    };

    [Theory]
    [MemberData(nameof(ClientSideCases))]
    public void ClientSide_RandomAndMutatedServerEnvelopes_NeverThrow(string variant, int seed)
    {
        IEnvelopeCodec codec = variant == "json" ? JsonEnvelopeCodec.Instance : ProtobufEnvelopeCodec.Instance;
        var seeds = ServerSeeds(codec);
        var random = new Random(seed);
        for (var i = 0; i < FuzzInput.Iterations; i++)
        {
            var input = random.Next(4) == 0
                ? FuzzInput.RandomBytes(random, 256)
                : FuzzInput.Mutate(random, seeds[random.Next(seeds.Length)]);
            var results = new List<ServerEnvelopeReadResult>();
            try
            {
                codec.ReadServer(input, results);
            }
            catch (Exception e)
            {
                Assert.Fail($"{variant} seed {seed}, iteration {i}: {e.GetType().Name} on input {Convert.ToHexString(input)}: {e}");
            }

            Assert.All(results, r => Assert.True(r.Envelope is null != r.Problem is null, $"{variant} seed {seed}, iteration {i}: a result with {(r.Envelope is null ? "neither" : "both")} envelope and problem"));
        }
    }

    [Fact]
    public void ServerSeeds_ReadByTheClientSide()
    {
        foreach (var codec in new IEnvelopeCodec[] { JsonEnvelopeCodec.Instance, ProtobufEnvelopeCodec.Instance })
        {
            var results = new List<ServerEnvelopeReadResult>();
            foreach (var seed in ServerSeeds(codec))
            {
                codec.ReadServer(seed, results);
            }

            Assert.Equal(6, results.Count);
            Assert.All(results, r => Assert.True(r.Envelope is not null, $"{codec.Subprotocol}: a seed failed to read: {r.Problem}"));
        }
    }

    /// <summary>Server envelopes as the codec writes them, a reply with recovered publications among them.</summary>
    private static byte[][] ServerSeeds(IEnvelopeCodec codec)
    {
        var publications = new[] { new Publication(39, "{\"text\":\"hi\",\"n\":[1,2.5e3,null,true]}"u8.ToArray(), "bob", 100), new Publication(40, "\"a\u00e9\""u8.ToArray(), null, 200) };
        ServerEnvelope[] envelopes =
        [
            new WelcomeEnvelope("Tq2m", 25, 1763700060000),
            new ReplyEnvelope("s1", new SubscribeReply(new StreamPosition("9f3a1c2b", 40), true, publications)),
            new ReplyEnvelope("p1", new PresenceReply([new ClientInfo("a", "alice"), new ClientInfo("b", "")])),
            new ErrorEnvelope("x", ErrorCode.InvalidChannel, "invalid channel"),
            new JoinLeaveEnvelope(true, "chat:lobby", new ClientInfo("Qp7r", "bob")),
            new MessageEnvelope("chat:lobby", "9f3a1c2b", new Publication(42, "[1,{\"b\":2}]"u8.ToArray(), "alice", 300, ackRequired: true)),
        ];
        return [.. envelopes.Select(envelope =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            codec.Write(buffer, envelope);
            return buffer.WrittenSpan.ToArray();
        })];
    }

    /// <summary>The unmutated seeds read as envelopes: the fuzz starts from inputs that reach deep into the codecs.</summary>
    [Fact]
    public void Seeds_ReadAsEnvelopes()
    {
        var results = new List<EnvelopeReadResult>();
        foreach (var seed in s_jsonSeeds)
        {
            JsonEnvelopeCodec.Instance.Read(Encoding.UTF8.GetBytes(seed), results);
        }

        foreach (var seed in ProtobufSeeds())
        {
            ProtobufEnvelopeCodec.Instance.Read(seed, results);
        }

        Assert.All(results, r => Assert.True(r.Envelope is not null, $"a seed failed to read: {r.Error}"));
    }

    private static void ReadAndCheck(IEnvelopeCodec codec, byte[] input, string where)
    {
        var results = new List<EnvelopeReadResult>();
        try
        {
            codec.Read(input, results);
        }
        catch (Exception e)
        {
            Assert.Fail($"{where}: {e.GetType().Name} on input {Convert.ToHexString(input)}: {e}");
        }

        Assert.All(results, r => Assert.True(r.Envelope is null != r.Error is null, $"{where}: a result with {(r.Envelope is null ? "neither" : "both")} envelope and error"));
    }

    /// <summary>Client envelopes in pulse.v1.protobuf, written by hand from proto/pulse.proto (length-delimited, several in one frame).</summary>
    private static byte[][] ProtobufSeeds()
    {
        var publish = Envelope(Text(1, "publish"), Text(2, "p1"), Varint(3, 1763700000123), Varint(4, 1), Text(11, "chat:lobby"), Bytes(16, """{"text":"hi"}"""u8));
        var subscribe = Envelope(Text(1, "subscribe"), Text(2, "s1"), Text(11, "chat:lobby"), Bytes(12, [.. Text(1, "9f3a"), .. Varint(2, 38)]));
        var history = Envelope(Text(1, "history"), Text(2, "h1"), Text(11, "chat:lobby"), Varint(14, 10));
        var connect = Envelope(Text(1, "connect"), Text(2, "c1"), Text(10, "eyJhbGciOi.e30.sig"));
        var ping = Envelope(Text(1, "ping"), Text(2, "p"));
        return [publish, subscribe, history, connect, [.. ping, .. publish, .. ping]];
    }

    private static byte[] Envelope(params byte[][] fields)
    {
        byte[] body = [.. fields.SelectMany(f => f)];
        return [.. VarintBytes((ulong)body.Length), .. body];
    }

    private static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, ReadOnlySpan<byte> value) => [.. VarintBytes((ulong)(field << 3 | 2)), .. VarintBytes((ulong)value.Length), .. value];

    private static byte[] Varint(int field, long value) => [.. VarintBytes((ulong)(field << 3)), .. VarintBytes((ulong)value)];

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
