using System.Buffers;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §5.3: "A client MUST mask all frames that it sends to the server"; "A server MUST NOT mask any frames that it sends to the client."</summary>
public class Rfc6455_5_3_MaskingTests
{
    [Fact]
    public void Receive_ServerGetsUnmaskedFrame_FailsWith1002()
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed(RawFrame.Build((int)Opcode.Text, "Hello"u8)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("unmasked frame from client", e.Error!.Value.Reason);
    }

    [Fact]
    public void Receive_ClientGetsMaskedFrame_FailsWith1002()
    {
        var harness = new ProtocolHarness(Role.Client);

        var e = Assert.Single(harness.Feed(RawFrame.Build((int)Opcode.Text, "Hello"u8, maskKey: RawFrame.ExampleMaskKey)));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
        Assert.Equal("masked frame from server", e.Error!.Value.Reason);
    }

    [Theory]
    [InlineData(Opcode.Ping)]
    [InlineData(Opcode.Close)]
    public void Receive_ServerGetsUnmaskedControlFrame_FailsWith1002(Opcode opcode)
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed(RawFrame.Build((int)opcode, [])));

        ProtocolAssert.Failed(harness, e, CloseCode.ProtocolError);
    }

    [Fact]
    public void Receive_RfcExampleMaskedHello_IsUnmasked()
    {
        var harness = new ProtocolHarness(Role.Server);

        var e = Assert.Single(harness.Feed([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]));

        Assert.Equal("Hello"u8.ToArray(), e.Payload);
    }

    [Fact]
    public void Receive_MaskedPayload_IsUnmaskedInTheCallersBuffer()
    {
        var protocol = new WebSocketProtocol(Role.Server);
        byte[] buffer = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
        var input = new ReadOnlySequence<byte>(buffer);

        var e = protocol.Receive(ref input, new ArrayBufferWriter<byte>());

        Assert.Equal("Hello"u8.ToArray(), buffer.AsSpan(6).ToArray());
        Assert.True(e.Payload.First.Span.Overlaps(buffer));
    }

    [Fact]
    public void Receive_IncompleteControlFrame_LeavesItsBytesMasked()
    {
        // A caller hands unconsumed bytes back with the next read: unmasking them now would unmask them twice.
        var protocol = new WebSocketProtocol(Role.Server);
        var frame = RawFrame.To(Role.Server, Opcode.Ping, TestBytes.Pattern(10));
        var partial = frame.AsSpan(0, frame.Length - 1).ToArray();
        var input = new ReadOnlySequence<byte>(partial);

        var e = protocol.Receive(ref input, new ArrayBufferWriter<byte>());

        Assert.Equal(ProtocolEventKind.None, e.Kind);
        Assert.Equal(partial.Length, input.Length);
        Assert.Equal(frame.AsSpan(0, frame.Length - 1).ToArray(), partial);
    }

    [Fact]
    public void WriteMessage_Client_MasksWithItsKey()
    {
        var protocol = new WebSocketProtocol(Role.Client, 1024, RawFrame.ExampleMaskKey);
        var output = new ArrayBufferWriter<byte>();

        protocol.WriteMessage(output, MessageType.Text, "Hello"u8);

        Assert.Equal([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteText_Client_MasksWithItsKey()
    {
        var protocol = new WebSocketProtocol(Role.Client, 1024, RawFrame.ExampleMaskKey);
        var output = new ArrayBufferWriter<byte>();

        protocol.WriteText(output, "Hello");

        Assert.Equal([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteMessage_Server_DoesNotMask()
    {
        var protocol = new WebSocketProtocol(Role.Server);
        var output = new ArrayBufferWriter<byte>();

        protocol.WriteMessage(output, MessageType.Text, "Hello"u8);

        Assert.Equal([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteMessage_Client_UsesAFreshKeyForEveryFrame()
    {
        // RFC 6455 §5.3: "The masking key MUST be ... unpredictable". 100 frames take the random source past one refill.
        var protocol = new WebSocketProtocol(Role.Client);
        var keys = new HashSet<uint>();

        for (var i = 0; i < 100; i++)
        {
            var output = new ArrayBufferWriter<byte>();
            protocol.WriteMessage(output, MessageType.Binary, "x"u8);
            Assert.Equal(0x80, output.WrittenSpan[1] & 0x80);
            keys.Add(BitConverter.ToUInt32(output.WrittenSpan.Slice(2, 4)));
        }

        // Four random bytes collide this often about once in 10^7 runs.
        Assert.True(keys.Count >= 99);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(64)]
    public void WriteText_WriterWithSmallSpans_WritesTheSameBytes(int maxSpan)
    {
        var text = string.Concat(Enumerable.Repeat("ab€😀", 1500));
        var contiguous = new ArrayBufferWriter<byte>();
        var small = new LimitedBufferWriter(maxSpan);

        new WebSocketProtocol(Role.Client, 1 << 20, RawFrame.ExampleMaskKey).WriteText(contiguous, text);
        new WebSocketProtocol(Role.Client, 1 << 20, RawFrame.ExampleMaskKey).WriteText(small, text);

        Assert.Equal(contiguous.WrittenSpan.ToArray(), small.WrittenBytes);
        var e = Assert.Single(new ProtocolHarness(Role.Server).Feed(small.WrittenBytes));
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(e.Payload));
    }

    [Fact]
    public void WriteText_LoneSurrogate_IsSentAsReplacementCharacter()
    {
        var output = new ArrayBufferWriter<byte>();

        new WebSocketProtocol(Role.Server).WriteText(output, "a\uD800b");

        Assert.Equal([0x81, 0x05, 0x61, 0xEF, 0xBF, 0xBD, 0x62], output.WrittenSpan.ToArray());
    }
}
