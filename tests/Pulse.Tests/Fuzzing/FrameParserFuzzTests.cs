using System.Buffers;
using System.Text;
using Pulse.Protocol;
using Pulse.Tests.Protocol;

namespace Pulse.Tests.Fuzzing;

/// <summary>
/// Fuzzing the frame parser (<see cref="WebSocketProtocol.Receive"/>), server and client role, with and without
/// permessage-deflate: random bytes and mutated valid streams, fed in random chunks. Whatever arrives, the parser
/// returns events (never throws), never delivers more than it was fed or more than MaxMessageSize, stops at its
/// first error, and never goes on after it.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class FrameParserFuzzTests
{
    private const int MaxMessageSize = 64 * 1024;

    private static readonly PerMessageDeflateParameters s_deflate = new(
        ServerNoContextTakeover: false, ClientNoContextTakeover: false, ServerMaxWindowBits: 12, ClientMaxWindowBits: 12);

    public static TheoryData<Role, bool, int> Configurations => new()
    {
        { Role.Server, false, 1 },
        { Role.Server, true, 2 },
        { Role.Client, false, 3 },
        { Role.Client, true, 4 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void RandomBytes_NeverThrow(Role role, bool deflate, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < FuzzInput.Iterations; i++)
        {
            var input = FuzzInput.RandomBytes(random, 512);
            if (input.Length > 0 && random.Next(2) == 0)
            {
                // Make a plausible first frame header more likely, so the fuzz gets past the first byte.
                input[0] = (byte)(0x80 | random.Next(16) | (deflate && random.Next(2) == 0 ? 0x40 : 0));
            }

            FeedAndCheck(role, deflate, input, random, $"seed {seed}, iteration {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void MutatedValidStreams_NeverThrow(Role role, bool deflate, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < FuzzInput.Iterations; i++)
        {
            var input = FuzzInput.Mutate(random, ValidStream(role, deflate, random));
            FeedAndCheck(role, deflate, input, random, $"seed {seed}, iteration {i}");
        }
    }

    /// <summary>The unmutated streams parse cleanly: the fuzz starts from inputs that reach deep into the parser.</summary>
    [Theory]
    [MemberData(nameof(Configurations))]
    public void ValidStreams_ParseWithoutError(Role role, bool deflate, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 50; i++)
        {
            var harness = NewHarness(role, deflate);
            var events = harness.FeedInRandomChunks(ValidStream(role, deflate, random), seed + i, 64);
            Assert.DoesNotContain(events, e => e.Kind == ProtocolEventKind.Error);
            Assert.Contains(events, e => e.Kind == ProtocolEventKind.Close);
        }
    }

    private static ProtocolHarness NewHarness(Role role, bool deflate) =>
        new(role, MaxMessageSize, compression: deflate ? s_deflate : null);

    private static void FeedAndCheck(Role role, bool deflate, byte[] input, Random random, string where)
    {
        var harness = NewHarness(role, deflate);
        List<RecordedEvent> events;
        try
        {
            events = harness.FeedInRandomChunks(input, random.Next(), 1 + random.Next(64));
        }
        catch (Exception e)
        {
            Assert.Fail($"{where}: {e.GetType().Name} on input {Convert.ToHexString(input)}: {e}");
            return;
        }

        var errors = events.FindIndex(e => e.Kind == ProtocolEventKind.Error);
        Assert.True(errors < 0 || errors == events.Count - 1, $"{where}: events after the error: {string.Join(", ", events.Select(e => e.Kind))}");
        var delivered = 0L;
        foreach (var e in events.Where(e => e.Kind == ProtocolEventKind.Data))
        {
            delivered += e.Payload.Length;
            if (e.EndOfMessage)
            {
                Assert.True(delivered <= MaxMessageSize, $"{where}: a message of {delivered} bytes passed MaxMessageSize");
                delivered = 0;
            }
        }

        if (!deflate)
        {
            var payload = events.Where(e => e.Kind is ProtocolEventKind.Data or ProtocolEventKind.Ping or ProtocolEventKind.Pong).Sum(e => (long)e.Payload.Length);
            Assert.True(payload <= input.Length, $"{where}: {payload} payload bytes out of {input.Length} bytes of input");
        }

        // Whatever happened, more input after the end is harmless.
        harness.Feed(FuzzInput.RandomBytes(random, 32));
        harness.Protocol.Dispose();
    }

    /// <summary>A valid stream of frames the peer of <paramref name="role"/> would send: messages, fragments, pings, then a close.</summary>
    private static byte[] ValidStream(Role role, bool deflate, Random random)
    {
        using var peer = new WebSocketProtocol(role == Role.Server ? Role.Client : Role.Server, MaxMessageSize, deflate ? s_deflate : null);
        var output = new ArrayBufferWriter<byte>();
        for (var n = random.Next(1, 5); n > 0; n--)
        {
            switch (random.Next(4))
            {
                case 0:
                    peer.WriteText(output, string.Concat(Enumerable.Repeat("héllo wörld ✓ ", random.Next(1, 20))));
                    break;
                case 1:
                    var data = new byte[random.Next(300)];
                    random.NextBytes(data);
                    peer.WriteMessage(output, MessageType.Binary, data);
                    break;
                case 2:
                    peer.WritePing(output, Encoding.UTF8.GetBytes("ping"));
                    break;
                default:
                    peer.WriteMessage(output, MessageType.Text, new byte[random.Next(200)]);
                    break;
            }
        }

        peer.WriteClose(output, CloseCode.NormalClosure, "done");
        return output.WrittenSpan.ToArray();
    }
}
