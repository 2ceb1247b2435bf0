using System.Buffers;
using System.Buffers.Binary;
using Pulse.Cli.Bench;
using Pulse.Protocol;

namespace Pulse.Cli.Tests.Bench;

/// <summary>The generator's pre-masked frames decode, on the server side of our own protocol core, to what was meant.</summary>
public sealed class ClientFramesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(70_000)]
    public void Binary_IsOneMaskedFinalFrame_WithThePattern(int size)
    {
        var frame = ClientFrames.Binary(size);

        Assert.Equal(0x82, frame[0]);
        Assert.Equal(0x80, frame[1] & 0x80);
        Assert.Equal(ClientFrames.MaskKey.ToArray(), frame.AsSpan(ClientFrames.PayloadOffset(size) - 4, 4).ToArray());
        var (type, payload) = DecodeOne(frame);
        Assert.Equal(MessageType.Binary, type);
        Assert.Equal(size, payload.Length);
        Assert.All(payload.Select((b, i) => (b, i)), p => Assert.Equal((byte)('a' + (p.i % 26)), p.b));
    }

    [Fact]
    public void Repeat_DecodesAsThatManyMessages()
    {
        var frames = ClientFrames.Repeat(ClientFrames.Binary(32), 16);

        var protocol = new WebSocketProtocol(Role.Server);
        var input = new ReadOnlySequence<byte>(frames);
        var messages = 0;
        while (protocol.Receive(ref input, new ArrayBufferWriter<byte>()) is { Kind: not ProtocolEventKind.None } e)
        {
            Assert.Equal(ProtocolEventKind.Data, e.Kind);
            messages += e.EndOfMessage ? 1 : 0;
        }

        Assert.Equal(16, messages);
        Assert.Equal(0, input.Length);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(1000)]
    public void WriteInt64_StampsTheDecodedPayload(int size)
    {
        var frame = ClientFrames.Binary(size);

        ClientFrames.WriteInt64(frame, 0, 0x0123_4567_89AB_CDEF);
        ClientFrames.WriteInt64(frame, 8, -42);

        var (_, payload) = DecodeOne(frame);
        Assert.Equal(0x0123_4567_89AB_CDEF, BinaryPrimitives.ReadInt64LittleEndian(payload));
        Assert.Equal(-42, BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(8)));
        Assert.All(payload.Skip(16).Select((b, i) => (b, i: i + 16)), p => Assert.Equal((byte)('a' + (p.i % 26)), p.b));
    }

    [Fact]
    public void NormalClosure_DecodesAsClose1000()
    {
        var protocol = new WebSocketProtocol(Role.Server);
        var input = new ReadOnlySequence<byte>(ClientFrames.NormalClosure());

        var e = protocol.Receive(ref input, new ArrayBufferWriter<byte>());

        Assert.Equal(ProtocolEventKind.Close, e.Kind);
        Assert.Equal(CloseCode.NormalClosure, e.Close?.Code);
    }

    /// <summary>Decodes one client frame as the server would: its message type and unmasked payload.</summary>
    internal static (MessageType Type, byte[] Payload) DecodeOne(byte[] frame)
    {
        var protocol = new WebSocketProtocol(Role.Server, maxMessageSize: 1 << 20);
        var input = new ReadOnlySequence<byte>(frame.ToArray());
        var payload = new List<byte>();
        var type = MessageType.Text;
        while (true)
        {
            var e = protocol.Receive(ref input, new ArrayBufferWriter<byte>());
            Assert.Equal(ProtocolEventKind.Data, e.Kind);
            type = e.MessageType;
            payload.AddRange(e.Payload.ToArray());
            if (e.EndOfMessage)
            {
                Assert.Equal(0, input.Length);
                return (type, [.. payload]);
            }
        }
    }
}
