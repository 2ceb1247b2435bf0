using System.Buffers;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"; a masked frame carries its 4-byte key.</summary>
public class FrameWriterTests
{
    [Theory]
    [InlineData(0, false, 2)]
    [InlineData(125, false, 127)]
    [InlineData(126, false, 130)]
    [InlineData(65535, false, 65539)]
    [InlineData(65536, false, 65546)]
    [InlineData(0, true, 6)]
    [InlineData(125, true, 131)]
    [InlineData(126, true, 134)]
    [InlineData(65536, true, 65550)]
    public void GetFrameLength_UsesTheMinimalLengthEncoding(int payloadLength, bool masked, int expected)
    {
        Assert.Equal(expected, FrameWriter.GetFrameLength(payloadLength, masked));
    }

    [Fact]
    public void GetFrameLength_NegativeLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.GetFrameLength(-1, masked: false));
    }

    [Theory]
    [InlineData(0, new byte[] { 0x82, 0x00 })]
    [InlineData(125, new byte[] { 0x82, 0x7D })]
    [InlineData(126, new byte[] { 0x82, 0x7E, 0x00, 0x7E })]
    [InlineData(65535, new byte[] { 0x82, 0x7E, 0xFF, 0xFF })]
    [InlineData(65536, new byte[] { 0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0 })]
    public void WriteFrame_Unmasked_WritesHeaderThenPayload(int payloadLength, byte[] header)
    {
        var payload = TestBytes.Pattern(payloadLength);
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteFrame(output, Opcode.Binary, fin: true, payload);

        Assert.Equal(header, output.WrittenSpan[..header.Length].ToArray());
        Assert.Equal(payload, output.WrittenSpan[header.Length..].ToArray());
        Assert.Equal(FrameWriter.GetFrameLength(payloadLength, masked: false), output.WrittenCount);
    }

    [Fact]
    public void WriteFrame_RfcExampleUnmaskedHello()
    {
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteFrame(output, Opcode.Text, fin: true, "Hello"u8);

        // RFC 6455 §5.7: "A single-frame unmasked text message".
        Assert.Equal([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteFrame_RfcExampleMaskedHello()
    {
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteFrame(output, Opcode.Text, fin: true, "Hello"u8, RawFrame.ExampleMaskKey);

        // RFC 6455 §5.7: "A single-frame masked text message".
        Assert.Equal([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(126)]
    [InlineData(5000)]
    [InlineData(70000)]
    public void WriteFrame_Masked_MatchesAnIndependentEncoder(int payloadLength)
    {
        var payload = TestBytes.Pattern(payloadLength);
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteFrame(output, Opcode.Binary, fin: true, payload, RawFrame.ExampleMaskKey);

        Assert.Equal(RawFrame.Build((int)Opcode.Binary, payload, maskKey: RawFrame.ExampleMaskKey), output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteFrame_WriterWithTinySpans_WritesTheSameBytes(bool masked)
    {
        var payload = TestBytes.Pattern(5000);
        var key = masked ? RawFrame.ExampleMaskKey : [];
        var contiguous = new ArrayBufferWriter<byte>();
        var tiny = new LimitedBufferWriter(maxSpan: 7);

        FrameWriter.WriteFrame(contiguous, Opcode.Binary, fin: true, payload, key);
        FrameWriter.WriteFrame(tiny, Opcode.Binary, fin: true, payload, key);

        Assert.Equal(contiguous.WrittenSpan.ToArray(), tiny.WrittenBytes);
    }

    [Fact]
    public void WriteFrame_Rsv1AndNotFin_SetsTheFirstByte()
    {
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteFrame(output, Opcode.Text, fin: false, "a"u8, rsv1: true);

        Assert.Equal([0x41, 0x01, 0x61], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteFrame_Continuation_HasOpcodeZero()
    {
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteFrame(output, Opcode.Continuation, fin: true, []);

        Assert.Equal([0x80, 0x00], output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void WriteFrame_MaskKeyNeitherEmptyNorFourBytes_Throws(int keyLength)
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => FrameWriter.WriteFrame(output, Opcode.Binary, fin: true, "x"u8, new byte[keyLength]));
    }

    [Fact]
    public void WriteFrame_ReservedOpcode_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteFrame(new ArrayBufferWriter<byte>(), (Opcode)0x3, fin: true, []));
    }

    [Theory]
    [InlineData(Opcode.Ping, false, 0)]
    [InlineData(Opcode.Pong, true, 126)]
    [InlineData(Opcode.Close, true, 200)]
    public void WriteFrame_IllegalControlFrame_Throws(Opcode opcode, bool fin, int payloadLength)
    {
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteFrame(new ArrayBufferWriter<byte>(), opcode, fin, new byte[payloadLength]));
    }

    [Fact]
    public void WriteFrame_PreFramedForBroadcast_IsReadByEveryClient()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteFrame(output, Opcode.Text, fin: true, "to all"u8);

        for (var i = 0; i < 3; i++)
        {
            var client = new ProtocolHarness(Role.Client);
            var e = Assert.Single(client.Feed(output.WrittenSpan));
            Assert.Equal("to all"u8.ToArray(), e.Payload);
        }
    }
}
