using System.Buffers;
using System.Buffers.Binary;
using Pulse.Cli.Bench;
using Pulse.Protocol;

namespace Pulse.Cli.Tests.Bench;

/// <summary>
/// The generator's reader of server frames (RFC 6455 §5.2, unmasked per §5.1): it finds every frame and keeps the
/// first bytes of each payload, however the bytes are split across reads.
/// </summary>
public sealed class ServerFrameReaderTests
{
    private static readonly byte[] s_stream = BuildStream();

    // A probe echo, a ping, a 126-byte and a 70,000-byte message, a fragmented text message, and a close.
    private static byte[] BuildStream()
    {
        var output = new ArrayBufferWriter<byte>();
        var probe = new byte[32];
        BinaryPrimitives.WriteInt64LittleEndian(probe, 1111);
        BinaryPrimitives.WriteInt64LittleEndian(probe.AsSpan(8), 2222);
        FrameWriter.WriteFrame(output, Opcode.Binary, fin: true, probe);
        FrameWriter.WriteFrame(output, Opcode.Ping, fin: true, "ping"u8);
        FrameWriter.WriteFrame(output, Opcode.Binary, fin: true, Enumerable.Repeat((byte)7, 126).ToArray());
        FrameWriter.WriteFrame(output, Opcode.Binary, fin: true, Enumerable.Repeat((byte)9, 70_000).ToArray());
        FrameWriter.WriteFrame(output, Opcode.Text, fin: false, "hel"u8);
        FrameWriter.WriteFrame(output, Opcode.Continuation, fin: true, "lo"u8);
        FrameWriter.WriteFrame(output, Opcode.Close, fin: true, [0x03, 0xE8]);
        return output.WrittenSpan.ToArray();
    }

    private static readonly string[] s_expected =
    [
        "Binary fin 32 [1111,2222]", "Ping fin 4 'ping'", "Binary fin 126 [7]", "Binary fin 70000 [9]",
        "Text more 3 'hel'", "Continuation fin 2 'lo'", "Close fin 2 [1000]",
    ];

    [Fact]
    public void WholeStream_InOneRead()
    {
        Assert.Equal(s_expected, Read(new ServerFrameReader(dataPrefixLength: 16), [s_stream]));
    }

    [Fact]
    public void SplitInTwo_AtEveryByte()
    {
        // The 70,000-byte payload is skipped over quickly; every boundary in and around the headers is what matters.
        for (var split = 0; split <= s_stream.Length; split += split < 400 || split > s_stream.Length - 400 ? 1 : 997)
        {
            var frames = Read(new ServerFrameReader(dataPrefixLength: 16), [s_stream[..split], s_stream[split..]]);

            Assert.True(s_expected.SequenceEqual(frames), $"split at {split}: {string.Join(" | ", frames)}");
        }
    }

    [Fact]
    public void OneByteAtATime()
    {
        var reads = s_stream.Select(b => new[] { b }).ToArray();

        Assert.Equal(s_expected, Read(new ServerFrameReader(dataPrefixLength: 16), reads));
    }

    [Fact]
    public void ZeroPrefix_KeepsNothingOfData_ButAllOfControlFrames()
    {
        var reader = new ServerFrameReader(dataPrefixLength: 0);
        ReadOnlySpan<byte> input = s_stream;
        var messages = 0;
        var ping = "";
        while (reader.TryReadFrame(ref input))
        {
            messages += reader.IsEndOfMessage ? 1 : 0;
            Assert.True(reader.Opcode >= Opcode.Close || reader.Prefix.IsEmpty);
            ping = reader.Opcode == Opcode.Ping ? System.Text.Encoding.ASCII.GetString(reader.Prefix) : ping;
        }

        Assert.Equal(4, messages);
        Assert.Equal("ping", ping);
    }

    [Fact]
    public void Compressed_AcceptsRsv1_ButNotRsv2OrRsv3()
    {
        // RFC 7692 §6: a compressed message's first frame has RSV1; its payload is skipped like any other.
        ReadOnlySpan<byte> compressed = [0xC1, 0x03, 0xF2, 0x48, 0x05];
        var reader = new ServerFrameReader(compressed: true);

        Assert.True(reader.TryReadFrame(ref compressed));
        Assert.True(reader.IsEndOfMessage);
        Assert.Equal(3, reader.PayloadLength);
        Assert.Throws<InvalidDataException>(() =>
        {
            ReadOnlySpan<byte> rsv2 = [0xA1, 0x00];
            reader.TryReadFrame(ref rsv2);
        });
    }

    [Theory]
    [InlineData(new byte[] { 0x82, 0x84, 1, 2, 3, 4 }, "masked")]
    [InlineData(new byte[] { 0xC2, 0x00 }, "reserved bits")]
    [InlineData(new byte[] { 0x83, 0x00 }, "reserved opcode")]
    [InlineData(new byte[] { 0x09, 0x00 }, "control frame")]
    [InlineData(new byte[] { 0x89, 0x7E, 0x00, 0x80 }, "control frame")]
    [InlineData(new byte[] { 0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0 }, "most significant bit")]
    public void ProtocolViolations_Throw(byte[] bytes, string expected)
    {
        var reader = new ServerFrameReader();

        var error = Assert.Throws<InvalidDataException>(() =>
        {
            ReadOnlySpan<byte> input = bytes;
            reader.TryReadFrame(ref input);
        });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static List<string> Read(ServerFrameReader reader, byte[][] reads)
    {
        var frames = new List<string>();
        foreach (var read in reads)
        {
            ReadOnlySpan<byte> input = read;
            while (reader.TryReadFrame(ref input))
            {
                frames.Add($"{reader.Opcode} {(reader.Fin ? "fin" : "more")} {reader.PayloadLength} {Describe(reader)}");
            }

            Assert.Equal(0, input.Length);
        }

        return frames;
    }

    private static string Describe(ServerFrameReader reader)
    {
        var prefix = reader.Prefix;
        return reader.Opcode switch
        {
            Opcode.Close => $"[{BinaryPrimitives.ReadUInt16BigEndian(prefix)}]",
            Opcode.Ping or Opcode.Text or Opcode.Continuation => $"'{System.Text.Encoding.ASCII.GetString(prefix)}'",
            _ when reader.PayloadLength == 32 => $"[{BinaryPrimitives.ReadInt64LittleEndian(prefix)},{BinaryPrimitives.ReadInt64LittleEndian(prefix[8..])}]",
            _ => prefix.Length == 16 && !prefix.ContainsAnyExcept(prefix[0]) ? $"[{prefix[0]}]" : $"unexpected prefix of {prefix.Length}",
        };
    }
}
