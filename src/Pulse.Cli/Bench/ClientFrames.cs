using System.Buffers;
using System.Buffers.Binary;
using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// The frames the load generator sends, masked once with one fixed key, so sending a message costs a copy by
/// the kernel and nothing else.
/// </summary>
/// <remarks>
/// RFC 6455 §5.3 asks a client for a fresh, unpredictable mask key per frame, so that script running in a
/// browser cannot choose the bytes an intermediary sees. A load generator that talks to a server it was
/// pointed at, with payloads it makes itself, has no such attacker to defend against; a fixed key is what lets
/// a frame be built once and sent millions of times. Servers must accept any key, including this one.
/// </remarks>
internal static class ClientFrames
{
    /// <summary>The mask key of every frame, as on the wire.</summary>
    public static ReadOnlySpan<byte> MaskKey => [0x5A, 0xC3, 0x17, 0x9E];

    /// <summary>A masked binary frame whose payload is <paramref name="size"/> bytes of a repeating pattern.</summary>
    public static byte[] Binary(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var payload = new byte[size];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return Build(Opcode.Binary, payload);
    }

    /// <summary>One masked, final frame.</summary>
    public static byte[] Build(Opcode opcode, ReadOnlySpan<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>(FrameWriter.GetFrameLength(payload.Length, masked: true));
        FrameWriter.WriteFrame(output, opcode, fin: true, payload, MaskKey);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A close frame with status 1000 (RFC 6455 §5.5.1).</summary>
    public static byte[] NormalClosure()
    {
        Span<byte> status = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(status, (ushort)CloseCode.NormalClosure);
        return Build(Opcode.Close, status);
    }

    /// <summary><paramref name="count"/> copies of <paramref name="frame"/> back to back, so n messages go in one write.</summary>
    public static byte[] Repeat(byte[] frame, int count)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var frames = new byte[checked(frame.Length * count)];
        for (var i = 0; i < count; i++)
        {
            frame.CopyTo(frames, i * frame.Length);
        }

        return frames;
    }

    /// <summary>Where the payload starts in a masked frame carrying <paramref name="payloadLength"/> bytes.</summary>
    public static int PayloadOffset(int payloadLength) =>
        FrameWriter.GetFrameLength(payloadLength, masked: true) - payloadLength;

    /// <summary>
    /// Writes <paramref name="value"/> (8 bytes, little-endian) at <paramref name="offsetInPayload"/> of the payload
    /// of a frame built here, masked as the rest of it is: how a latency probe is stamped just before it is sent.
    /// </summary>
    public static void WriteInt64(Span<byte> frame, int offsetInPayload, long value)
    {
        var payloadOffset = PayloadOffset(PayloadLength(frame));
        Span<byte> plain = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(plain, value);
        var key = MaskKey;
        var destination = frame.Slice(payloadOffset + offsetInPayload, sizeof(long));
        for (var i = 0; i < plain.Length; i++)
        {
            // RFC 6455 §5.3: payload octet i is XORed with key octet i MOD 4.
            destination[i] = (byte)(plain[i] ^ key[(offsetInPayload + i) & 3]);
        }
    }

    private static int PayloadLength(ReadOnlySpan<byte> frame) => (frame[1] & 0x7F) switch
    {
        126 => BinaryPrimitives.ReadUInt16BigEndian(frame[2..]),
        127 => checked((int)BinaryPrimitives.ReadUInt64BigEndian(frame[2..])),
        var length => length,
    };
}
