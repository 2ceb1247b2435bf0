using System.Buffers;
using System.Buffers.Binary;

namespace Pulse.Protocol;

/// <summary>Frames payloads (RFC 6455 §5.2): the low-level writer under <see cref="WebSocketProtocol"/>, also used to pre-frame a broadcast once.</summary>
public static class FrameWriter
{
    /// <summary>The longest frame header: 2 bytes, a 64-bit extended length and a mask key.</summary>
    internal const int MaxHeaderLength = 14;

    /// <summary>The most bytes a control frame may carry (RFC 6455 §5.5).</summary>
    internal const int MaxControlPayloadLength = 125;

    // Frames up to this size are asked for in one span, so header and payload cost one Advance. Larger payloads
    // are copied into whatever spans the writer hands out, so a pooled writer (a PipeWriter's 4 KiB blocks)
    // never has to allocate an oversized buffer outside its pool.
    private const int ContiguousFrameLimit = 4096;

    // The longest UTF-8 encoding of one scalar value: the least room worth asking for when encoding text.
    internal const int MaxUtf8BytesPerScalar = 4;

    /// <summary>The number of bytes a frame with this payload length takes on the wire.</summary>
    public static int GetFrameLength(int payloadLength, bool masked)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return checked(GetHeaderLength(payloadLength, masked) + payloadLength);
    }

    /// <summary>Writes one frame; masks it with <paramref name="maskKey"/> when that is 4 bytes long, sends it unmasked when empty.</summary>
    /// <exception cref="ArgumentException">The mask key is neither empty nor 4 bytes long.</exception>
    public static void WriteFrame(IBufferWriter<byte> output, Opcode opcode, bool fin, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> maskKey = default, bool rsv1 = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (maskKey.Length is not (0 or 4))
        {
            throw new ArgumentException("A mask key is 4 bytes long, or empty for an unmasked frame.", nameof(maskKey));
        }

        if (!IsDefined(opcode))
        {
            throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "Opcodes 0x3-0x7 and 0xB-0xF are reserved.");
        }

        // RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes.
        if (IsControl(opcode) && (!fin || payload.Length > MaxControlPayloadLength))
        {
            throw new ArgumentException("A control frame must be final and carry at most 125 bytes.", nameof(payload));
        }

        var masked = maskKey.Length == 4;
        WriteFrameUnchecked(output, opcode, fin, rsv1, payload, masked, masked ? BinaryPrimitives.ReadInt32LittleEndian(maskKey) : 0);
    }

    /// <summary>Whether <paramref name="opcode"/> is a control opcode (RFC 6455 §5.5: its high bit is set).</summary>
    internal static bool IsControl(Opcode opcode) => ((int)opcode & 0x8) != 0;

    /// <summary>Whether <paramref name="opcode"/> is one of the six that RFC 6455 §5.2 defines.</summary>
    internal static bool IsDefined(Opcode opcode) =>
        opcode is Opcode.Continuation or Opcode.Text or Opcode.Binary or Opcode.Close or Opcode.Ping or Opcode.Pong;

    /// <summary>The header length for a payload length: the minimal length encoding (RFC 6455 §5.2) plus the mask key.</summary>
    internal static int GetHeaderLength(long payloadLength, bool masked) =>
        (payloadLength <= 125 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + (masked ? 4 : 0);

    /// <summary>
    /// Writes a frame header into <paramref name="destination"/>; returns its length. The key is in
    /// <see cref="Masking"/>'s convention and ignored unless <paramref name="masked"/>.
    /// </summary>
    internal static int WriteHeader(Span<byte> destination, Opcode opcode, bool fin, bool rsv1, long payloadLength, bool masked, int maskKey)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (int)opcode);
        var maskBit = masked ? 0x80 : 0;
        int length;
        if (payloadLength <= 125)
        {
            destination[1] = (byte)(maskBit | (int)payloadLength);
            length = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            length = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            length = 10;
        }

        if (masked)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[length..], maskKey);
            length += 4;
        }

        return length;
    }

    /// <summary>Writes one frame without checking its arguments; the key is in <see cref="Masking"/>'s convention.</summary>
    internal static void WriteFrameUnchecked(IBufferWriter<byte> output, Opcode opcode, bool fin, bool rsv1, ReadOnlySpan<byte> payload, bool masked, int maskKey)
    {
        var headerLength = GetHeaderLength(payload.Length, masked);
        var span = output.GetSpan(GetFirstSpanHint(headerLength, payload.Length));
        WriteHeader(span, opcode, fin, rsv1, payload.Length, masked, maskKey);

        if (span.Length - headerLength >= payload.Length)
        {
            CopyPayload(payload, span.Slice(headerLength, payload.Length), masked, maskKey, 0);
            output.Advance(headerLength + payload.Length);
            return;
        }

        output.Advance(headerLength);
        var maskOffset = 0;
        while (!payload.IsEmpty)
        {
            var destination = output.GetSpan();
            var count = Math.Min(destination.Length, payload.Length);
            maskOffset = CopyPayload(payload[..count], destination, masked, maskKey, maskOffset);
            output.Advance(count);
            payload = payload[count..];
        }
    }

    /// <summary>How much to ask a writer for before writing a header: the whole frame when small, else the header and one character.</summary>
    internal static int GetFirstSpanHint(int headerLength, int payloadLength) =>
        payloadLength <= ContiguousFrameLimit - headerLength ? headerLength + payloadLength : headerLength + MaxUtf8BytesPerScalar;

    private static int CopyPayload(ReadOnlySpan<byte> payload, Span<byte> destination, bool masked, int maskKey, int maskOffset)
    {
        if (masked)
        {
            return Masking.Apply(payload, destination, maskKey, maskOffset);
        }

        payload.CopyTo(destination);
        return maskOffset;
    }
}
