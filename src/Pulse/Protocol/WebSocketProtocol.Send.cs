using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Pulse.Protocol;

public sealed partial class WebSocketProtocol
{
    // One call to the system's random source serves this many frames' mask keys.
    private const int MaskKeysPerRefill = 64;

    private readonly int? _fixedMaskKey;
    private byte[]? _maskKeyBytes;
    private int _maskKeyIndex;

    /// <summary>Creates a protocol that masks every frame it sends with <paramref name="fixedMaskKey"/>, for tests that compare bytes.</summary>
    internal WebSocketProtocol(Role role, int maxMessageSize, ReadOnlySpan<byte> fixedMaskKey, PerMessageDeflateParameters? compression = null, CompressionOptions? compressionOptions = null)
        : this(role, maxMessageSize, compression, compressionOptions)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(fixedMaskKey.Length, 4);
        _fixedMaskKey = BinaryPrimitives.ReadInt32LittleEndian(fixedMaskKey);
    }

    private bool MasksOutgoingFrames => Role == Role.Client;

    private void WriteMessageCore(IBufferWriter<byte> output, MessageType type, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (type is not (MessageType.Text or MessageType.Binary))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "A message is text or binary.");
        }

        ThrowIfCloseSent();
        if (_deflate is not null && _deflate.ShouldCompress(payload.Length))
        {
            WriteCompressed(output, (Opcode)type, payload);
            return;
        }

        WriteFrame(output, (Opcode)type, payload);
    }

    /// <summary>
    /// Whether a message of <paramref name="payloadLength"/> bytes would be compressed on its own with a fresh
    /// compressor, so one compressed frame may serve every recipient with the same <paramref name="windowBits"/>
    /// and <paramref name="memoryLevel"/> (a broadcast compressed once).
    /// </summary>
    internal bool CompressesAlone(int payloadLength, out int windowBits, out int memoryLevel)
    {
        windowBits = _deflate?.DeflateWindowBits ?? 0;
        memoryLevel = _deflate?.MemoryLevel ?? 0;
        return _deflate is { CompressesEachMessageAlone: true } deflate && deflate.ShouldCompress(payloadLength);
    }

    /// <summary>Whether a message of <paramref name="payloadLength"/> bytes would be sent compressed.</summary>
    internal bool Compresses(int payloadLength) => _deflate is not null && _deflate.ShouldCompress(payloadLength);

    // RFC 7692 §6: a compressed message is sent as one frame with RSV1 set, its payload the DEFLATE data.
    private void WriteCompressed(IBufferWriter<byte> output, Opcode opcode, ReadOnlySpan<byte> payload)
    {
        var (buffer, length) = _deflate!.Compress(payload);
        try
        {
            var masked = MasksOutgoingFrames;
            FrameWriter.WriteFrameUnchecked(output, opcode, fin: true, rsv1: true, buffer.AsSpan(0, length), masked, masked ? NextMaskKey() : 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteTextCore(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        ArgumentNullException.ThrowIfNull(output);
        ThrowIfCloseSent();

        // Lone surrogates become U+FFFD both when counted and when encoded, so the two always agree.
        var payloadLength = Encoding.UTF8.GetByteCount(text);
        if (_deflate is not null && _deflate.ShouldCompress(payloadLength))
        {
            var utf8 = ArrayPool<byte>.Shared.Rent(payloadLength);
            try
            {
                Utf8.FromUtf16(text, utf8, out _, out var encoded, replaceInvalidSequences: true);
                WriteCompressed(output, Opcode.Text, utf8.AsSpan(0, encoded));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(utf8);
            }

            return;
        }

        var masked = MasksOutgoingFrames;
        var maskKey = masked ? NextMaskKey() : 0;
        var headerLength = FrameWriter.GetHeaderLength(payloadLength, masked);
        var span = output.GetSpan(FrameWriter.GetFirstSpanHint(headerLength, payloadLength));
        FrameWriter.WriteHeader(span, Opcode.Text, fin: true, rsv1: false, payloadLength, masked, maskKey);

        if (span.Length - headerLength >= payloadLength)
        {
            var destination = span.Slice(headerLength, payloadLength);
            Utf8.FromUtf16(text, destination, out _, out var written, replaceInvalidSequences: true);
            Debug.Assert(written == payloadLength, $"Expected {payloadLength} bytes of UTF-8, got {written}");
            if (masked)
            {
                Masking.Apply(destination, maskKey, 0);
            }

            output.Advance(headerLength + payloadLength);
            return;
        }

        output.Advance(headerLength);
        var maskOffset = 0;
        while (!text.IsEmpty)
        {
            // Room for one whole character at least, as the encoder never splits one.
            var destination = output.GetSpan(FrameWriter.MaxUtf8BytesPerScalar);
            Utf8.FromUtf16(text, destination, out var read, out var written, replaceInvalidSequences: true);
            if (masked)
            {
                maskOffset = Masking.Apply(destination[..written], maskKey, maskOffset);
            }

            output.Advance(written);
            text = text[read..];
        }
    }

    private void WriteControlCore(IBufferWriter<byte> output, Opcode opcode, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);

        // RFC 6455 §5.5: control frames carry at most 125 bytes.
        if (payload.Length > FrameWriter.MaxControlPayloadLength)
        {
            throw new ArgumentException("A control frame carries at most 125 bytes.", nameof(payload));
        }

        WriteFrame(output, opcode, payload);
    }

    private void WriteCloseCore(IBufferWriter<byte> output, CloseCode code, string reason)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(reason);
        if (code != CloseCode.NoStatusReceived && !CloseCodes.IsValidOnWire((int)code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "This close code may not be sent on the wire (RFC 6455 §7.4).");
        }

        if (CloseSent is not null)
        {
            return;
        }

        CloseSent = WriteCloseFrame(output, code, reason);
        if (CloseReceived is not null)
        {
            State = ProtocolState.Closed;
            ReceivedThenSent = true;
        }
        else if (State == ProtocolState.Open)
        {
            State = ProtocolState.Closing;
        }
    }

    private CloseFrame WriteCloseFrame(IBufferWriter<byte> output, CloseCode code, string reason)
    {
        // RFC 6455 §7.1.5: a close frame without a body reports 1005 at the other end.
        if (code == CloseCode.NoStatusReceived)
        {
            WriteFrame(output, Opcode.Close, []);
            return new CloseFrame(code, string.Empty);
        }

        // RFC 6455 §5.5: the code's 2 bytes and the reason fit in 125; a character that would not fit is dropped whole.
        Span<byte> body = stackalloc byte[FrameWriter.MaxControlPayloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)code);
        Utf8.FromUtf16(reason, body[2..], out var charsRead, out var bytesWritten, replaceInvalidSequences: true);
        WriteFrame(output, Opcode.Close, body[..(2 + bytesWritten)]);
        return new CloseFrame(code, charsRead == reason.Length ? reason : reason[..charsRead]);
    }

    private void WriteControlReply(IBufferWriter<byte> replies, Opcode opcode, ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            WriteFrame(replies, opcode, payload.FirstSpan);
            return;
        }

        Span<byte> copy = stackalloc byte[FrameWriter.MaxControlPayloadLength];
        copy = copy[..(int)payload.Length];
        payload.CopyTo(copy);
        WriteFrame(replies, opcode, copy);
    }

    private void WriteFrame(IBufferWriter<byte> output, Opcode opcode, ReadOnlySpan<byte> payload)
    {
        var masked = MasksOutgoingFrames;
        FrameWriter.WriteFrameUnchecked(output, opcode, fin: true, rsv1: false, payload, masked, masked ? NextMaskKey() : 0);
    }

    // RFC 6455 §5.3: "a fresh masking key" per frame, "derived from a strong source of entropy".
    private int NextMaskKey()
    {
        if (_fixedMaskKey is { } fixedKey)
        {
            return fixedKey;
        }

        if (_maskKeyBytes is null || _maskKeyIndex == _maskKeyBytes.Length)
        {
            _maskKeyBytes ??= new byte[MaskKeysPerRefill * 4];
            RandomNumberGenerator.Fill(_maskKeyBytes);
            _maskKeyIndex = 0;
        }

        var key = BinaryPrimitives.ReadInt32LittleEndian(_maskKeyBytes.AsSpan(_maskKeyIndex));
        _maskKeyIndex += 4;
        return key;
    }

    private void ThrowIfCloseSent()
    {
        // RFC 6455 §5.5.1: "The application MUST NOT send any more data frames after sending a Close frame."
        if (CloseSent is not null)
        {
            throw new InvalidOperationException("A close frame was already sent: no more messages may follow it.");
        }
    }
}
