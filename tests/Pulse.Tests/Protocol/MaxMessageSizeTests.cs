using System.Buffers;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §10.4: "implementations SHOULD impose a limit on frame sizes and the total message size after reassembly"; over it, close with 1009.</summary>
public class MaxMessageSizeTests
{
    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_FrameOverTheLimit_FailsWith1009OnItsHeader(Role role)
    {
        var harness = new ProtocolHarness(role, maxMessageSize: 1000);
        var frame = RawFrame.To(role, Opcode.Binary, new byte[1001]);

        // Only the 2 + 2 bytes that declare the length.
        var e = Assert.Single(harness.Feed(frame.AsSpan(0, 4)));

        ProtocolAssert.Failed(harness, e, CloseCode.MessageTooBig);
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_MessageOfExactlyTheLimit_IsAccepted(Role role)
    {
        var harness = new ProtocolHarness(role, maxMessageSize: 1000);

        var e = Assert.Single(harness.Feed(RawFrame.To(role, Opcode.Binary, TestBytes.Pattern(1000))));

        Assert.Equal(ProtocolEventKind.Data, e.Kind);
        Assert.Equal(1000, e.Payload.Length);
    }

    [Fact]
    public void Receive_FragmentsThatAddUpOverTheLimit_FailWith1009()
    {
        var harness = new ProtocolHarness(Role.Server, maxMessageSize: 100);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Server, Opcode.Text, new byte[60], fin: false),
            RawFrame.To(Role.Server, Opcode.Continuation, new byte[40], fin: false),
            RawFrame.To(Role.Server, Opcode.Continuation, new byte[1])));

        Assert.Equal(3, events.Count);
        ProtocolAssert.Failed(harness, events[2], CloseCode.MessageTooBig);
    }

    [Fact]
    public void Receive_TheLimitAppliesToEachMessageAlone()
    {
        var harness = new ProtocolHarness(Role.Client, maxMessageSize: 100);
        var one = RawFrame.To(Role.Client, Opcode.Binary, new byte[80]);

        var events = harness.Feed(RawFrame.Concat(one, one, one));

        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.True(e.EndOfMessage));
    }

    [Fact]
    public void Receive_ControlFramesDoNotCountTowardsTheMessage()
    {
        var harness = new ProtocolHarness(Role.Client, maxMessageSize: 100);

        var events = harness.Feed(RawFrame.Concat(
            RawFrame.To(Role.Client, Opcode.Binary, new byte[100], fin: false),
            RawFrame.To(Role.Client, Opcode.Ping, new byte[125]),
            RawFrame.To(Role.Client, Opcode.Continuation, [])));

        Assert.Equal([ProtocolEventKind.Data, ProtocolEventKind.Ping, ProtocolEventKind.Data], events.Select(e => e.Kind));
    }

    [Theory]
    [InlineData(Role.Server)]
    [InlineData(Role.Client)]
    public void Receive_FrameDeclaring2Pow62Bytes_FailsWith1009BeforeAnyPayload(Role role)
    {
        var harness = new ProtocolHarness(role);

        // Just the 10-byte header: not even the mask key, and none of the 4 EiB.
        var e = Assert.Single(harness.Feed(RawFrame.Header64(Opcode.Binary, 1UL << 62, role == Role.Server ? RawFrame.ExampleMaskKey : null).AsSpan(0, 10)));

        ProtocolAssert.Failed(harness, e, CloseCode.MessageTooBig);
    }

    [Fact]
    public void Receive_16MiBMessageIn64KiBChunks_StreamsWithoutError()
    {
        const int Size = 16 * 1024 * 1024;
        var payload = TestBytes.Pattern(Size);
        var wire = new ArrayBufferWriter<byte>(Size + 16);
        new WebSocketProtocol(Role.Client).WriteMessage(wire, MessageType.Binary, payload);
        var frame = wire.WrittenMemory;
        var server = new WebSocketProtocol(Role.Server, maxMessageSize: Size);
        var replies = new ArrayBufferWriter<byte>();
        var received = 0;
        var events = 0;
        var ended = false;

        // Each read leaves nothing behind (the header fits in the first), so every chunk is its own input.
        for (var offset = 0; offset < frame.Length; offset += 64 * 1024)
        {
            var input = new ReadOnlySequence<byte>(frame.Slice(offset, Math.Min(64 * 1024, frame.Length - offset)));
            for (var e = server.Receive(ref input, replies); e.Kind != ProtocolEventKind.None; e = server.Receive(ref input, replies))
            {
                Assert.Equal(ProtocolEventKind.Data, e.Kind);
                Assert.True(e.Payload.FirstSpan.SequenceEqual(payload.AsSpan(received, (int)e.Payload.Length)));
                Assert.Equal(events == 0, e.StartOfMessage);
                received += (int)e.Payload.Length;
                ended = e.EndOfMessage;
                events++;
            }

            Assert.True(input.IsEmpty);
        }

        Assert.Equal(Size, received);
        Assert.True(ended);
        // The 14-byte header pushes the last 14 payload bytes into a 257th read.
        Assert.Equal(257, events);
        Assert.Equal(0, replies.WrittenCount);
        Assert.Equal(ProtocolState.Open, server.State);
    }

    [Fact]
    public void Constructor_NonPositiveLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebSocketProtocol(Role.Server, maxMessageSize: 0));
    }
}
