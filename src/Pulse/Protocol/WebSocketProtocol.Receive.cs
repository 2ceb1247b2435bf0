using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Pulse.Protocol;

public sealed partial class WebSocketProtocol
{
    // After a close frame, a failure or the end of the stream, input means nothing (RFC 6455 §5.5.1, §7.1.7).
    private bool _inputEnded;

    // The data frame whose payload is being streamed: its header is consumed, _frameRemaining bytes are not.
    private bool _inFrame;
    private bool _frameFin;
    private bool _frameMasked;
    private int _frameMaskKey;
    private int _frameMaskOffset;
    private long _frameRemaining;

    // The data message being received, over one frame or several (RFC 6455 §5.4).
    private bool _inMessage;
    private bool _messageStartPending;
    private MessageType _messageType;
    private long _messageLength;
    private long _messageLengthHint;
    private Utf8Validator _utf8;

    // A compressed message (RSV1 on its first frame, RFC 7692 §6): its wire bytes go through the inflater, whose
    // output is handed out from _inflateChunk. _messageLength counts wire bytes, _inflatedLength what came out.
    private bool _messageCompressed;
    private long _inflatedLength;
    private int _tailFed;
    private bool _inflateMayHaveMore;
    private bool _inflateStreamEnded;
    private byte[]? _inflateChunk;
    private bool _releaseInflateChunk;

    // Masked bytes at the front of the unconsumed input that are already unmasked: the inflater may take less
    // than it was shown, and the rest comes back, unmasked in place, with the next input.
    private int _frameUnmaskedAhead;

    private enum HeaderResult
    {
        NeedMoreData,
        DataFrameStarted,
        Event,
    }

    private ProtocolEvent ReceiveCore(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        if (_releaseInflateChunk)
        {
            // The last chunk of the previous compressed message was valid until this call.
            ReleaseInflateChunk();
        }

        if (_inputEnded)
        {
            input = input.Slice(input.End);
            return default;
        }

        while (true)
        {
            while (!_inFrame)
            {
                switch (ReadHeader(ref input, replies, out var controlOrError))
                {
                    case HeaderResult.NeedMoreData:
                        return default;
                    case HeaderResult.Event:
                        return controlOrError;
                }

                // An empty non-final fragment adds nothing to its message (RFC 6455 §5.4): go on to the next frame.
                if (_frameRemaining == 0 && !_frameFin)
                {
                    _inFrame = false;
                }
            }

            if (_messageCompressed)
            {
                var inflated = ReadCompressedPayload(ref input, replies);
                if (inflated.Kind != ProtocolEventKind.None || _inFrame)
                {
                    return inflated;
                }

                // A frame that inflated to nothing (a non-final fragment's worth of DEFLATE bits): on to the next one.
                continue;
            }

            // A final frame's end is reported even when it is empty; otherwise only bytes make an event.
            if (_frameRemaining != 0 && input.IsEmpty)
            {
                return default;
            }

            return ReadPayload(ref input, replies);
        }
    }

    private HeaderResult ReadHeader(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies, out ProtocolEvent controlOrError)
    {
        controlOrError = default;
        var reader = new SequenceReader<byte>(input);
        if (!reader.TryRead(out var first) || !reader.TryRead(out var second))
        {
            return HeaderResult.NeedMoreData;
        }

        var fin = (first & 0x80) != 0;
        var opcode = (Opcode)(first & 0x0F);
        var masked = (second & 0x80) != 0;
        var shortLength = second & 0x7F;

        // Every rule about a frame's shape can be checked on its first two bytes: fail before waiting for more.
        var rsv1 = (first & 0x40) != 0;
        var violation = CheckFrameStart(first & 0x70, opcode, fin, masked, shortLength);
        if (violation is not null)
        {
            controlOrError = Fail(ref input, replies, CloseCode.ProtocolError, violation);
            return HeaderResult.Event;
        }

        long length = shortLength;
        if (shortLength == 126)
        {
            if (!reader.TryReadBigEndian(out short length16))
            {
                return HeaderResult.NeedMoreData;
            }

            length = (ushort)length16;
        }
        else if (shortLength == 127)
        {
            if (!reader.TryReadBigEndian(out length))
            {
                return HeaderResult.NeedMoreData;
            }

            // RFC 6455 §5.2: "the most significant bit MUST be 0".
            if (length < 0)
            {
                controlOrError = Fail(ref input, replies, CloseCode.ProtocolError, "frame length has its high bit set");
                return HeaderResult.Event;
            }
        }

        var control = FrameWriter.IsControl(opcode);

        // RFC 6455 §10.4: refuse an oversized message on its declared length, before buffering any of it. A
        // compressed message is held to its decompressed size as it inflates; its wire length only to a bound a
        // sender of incompressible data stays within.
        var lengthSoFar = opcode == Opcode.Continuation ? _messageLength : 0;
        var compressed = opcode == Opcode.Continuation ? _messageCompressed : rsv1;
        if (!control && length > (compressed ? CompressedWireLimit : MaxMessageSize) - lengthSoFar)
        {
            controlOrError = Fail(ref input, replies, CloseCode.MessageTooBig, "message too big");
            return HeaderResult.Event;
        }

        var maskKey = 0;
        if (masked && !reader.TryReadLittleEndian(out maskKey))
        {
            return HeaderResult.NeedMoreData;
        }

        if (control)
        {
            // Control payloads are at most 125 bytes (checked above), so wait for the whole frame.
            if (reader.Remaining < length)
            {
                return HeaderResult.NeedMoreData;
            }

            var payload = input.Slice(reader.Position, length);
            if (masked)
            {
                Unmask(payload, maskKey, 0);
            }

            input = input.Slice(payload.End);
            controlOrError = ReceiveControlFrame(ref input, replies, opcode, payload);
            return HeaderResult.Event;
        }

        input = input.Slice(reader.Position);
        StartDataFrame(opcode, fin, masked, maskKey, length, rsv1);
        return HeaderResult.DataFrameStarted;
    }

    private string? CheckFrameStart(int reservedBits, Opcode opcode, bool fin, bool masked, int shortLength)
    {
        if (!FrameWriter.IsDefined(opcode))
        {
            return "reserved opcode";
        }

        if (CheckReservedBits(reservedBits, opcode) is { } reservedBitsViolation)
        {
            return reservedBitsViolation;
        }

        // RFC 6455 §5.1: clients mask every frame, servers none.
        if (masked != (Role == Role.Server))
        {
            return masked ? "masked frame from server" : "unmasked frame from client";
        }

        if (FrameWriter.IsControl(opcode))
        {
            // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
            if (!fin)
            {
                return "fragmented control frame";
            }

            return shortLength > FrameWriter.MaxControlPayloadLength ? "control frame too long" : null;
        }

        // RFC 6455 §5.4: fragments of one message are not interleaved with another message.
        if (opcode == Opcode.Continuation)
        {
            return _inMessage ? null : "unexpected continuation frame";
        }

        return _inMessage ? "expected continuation frame" : null;
    }

    // RFC 6455 §5.2: RSV1–3 must be 0 unless a negotiated extension defines them. permessage-deflate (RFC 7692 §6)
    // defines RSV1, on the first frame of a Text or Binary message only: "An endpoint MUST NOT set the 'Per-Message
    // Compressed' bit of control frames and non-first fragments of a data message".
    private string? CheckReservedBits(int reservedBits, Opcode opcode)
    {
        if (reservedBits == 0)
        {
            return null;
        }

        if (_deflate is null || reservedBits != 0x40)
        {
            return "reserved bits set";
        }

        if (FrameWriter.IsControl(opcode))
        {
            return "RSV1 set on a control frame";
        }

        return opcode == Opcode.Continuation ? "RSV1 set on a continuation frame" : null;
    }

    // Compressed data may be a little longer than what it carries (DEFLATE's stored blocks, a flush per fragment):
    // its wire length is allowed 1/64 more than MaxMessageSize, plus 1 KiB.
    private long CompressedWireLimit => MaxMessageSize + (MaxMessageSize >> 6) + 1024L;

    private void StartDataFrame(Opcode opcode, bool fin, bool masked, int maskKey, long length, bool rsv1)
    {
        if (opcode != Opcode.Continuation)
        {
            _inMessage = true;
            _messageStartPending = true;
            _messageType = (MessageType)opcode;
            _messageLength = 0;
            _messageCompressed = rsv1;
            _messageLengthHint = fin && !rsv1 ? length : -1;
            _inflatedLength = 0;
            _tailFed = 0;
            _inflateMayHaveMore = false;
            _inflateStreamEnded = false;
            _utf8.Reset();
        }

        _messageLength += length;
        _inFrame = true;
        _frameFin = fin;
        _frameMasked = masked;
        _frameMaskKey = maskKey;
        _frameMaskOffset = 0;
        _frameUnmaskedAhead = 0;
        _frameRemaining = length;
    }

    /// <summary>
    /// Inflates the current frame of a compressed message (RFC 7692 §7.2.2) into the next chunk of at most
    /// <see cref="PerMessageDeflate.InflateChunkSize"/> bytes, checking the decompressed size and UTF-8 as it goes.
    /// </summary>
    private ProtocolEvent ReadCompressedPayload(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies)
    {
        ZlibStream inflater;
        try
        {
            inflater = _deflate!.BeginInflate();
        }
        catch (OutOfMemoryException)
        {
            return Fail(ref input, replies, CloseCode.InternalError, "out of memory for decompression");
        }

        var chunk = _inflateChunk ??= ArrayPool<byte>.Shared.Rent(PerMessageDeflate.InflateChunkSize);

        // Never inflate more than one byte past the limit: a zip bomb is stopped as soon as it shows (RFC 6455 §10.4).
        var limit = (int)Math.Min(PerMessageDeflate.InflateChunkSize, MaxMessageSize - _inflatedLength + 1);
        var produced = 0;
        while (produced < limit)
        {
            int code, consumed, written;
            var output = chunk.AsSpan(produced, limit - produced);
            if (_frameRemaining > 0)
            {
                if (!TryGetFrameBytes(input, out var segment))
                {
                    break;
                }

                if (_inflateStreamEnded)
                {
                    // After a final DEFLATE block nothing more belongs to the message's data: skip the rest.
                    input = input.Slice(segment.Length);
                    _frameRemaining -= segment.Length;
                    _frameUnmaskedAhead -= segment.Length;
                    continue;
                }

                code = inflater.Run(segment, output, ZlibNative.NoFlush, out consumed, out written);
                _frameUnmaskedAhead -= consumed;
                _frameRemaining -= consumed;
                input = input.Slice(consumed);
            }
            else if (_frameFin && _tailFed < PerMessageDeflate.Tail.Length && !_inflateStreamEnded)
            {
                // RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of the message."
                code = inflater.Run(PerMessageDeflate.Tail[_tailFed..], output, ZlibNative.NoFlush, out consumed, out written);
                _tailFed += consumed;
            }
            else if (_inflateMayHaveMore)
            {
                code = inflater.Run([], output, ZlibNative.NoFlush, out consumed, out written);
            }
            else
            {
                break;
            }

            produced += written;
            _inflateMayHaveMore = written == output.Length;
            switch (code)
            {
                case ZlibNative.Ok:
                    break;
                case ZlibNative.StreamEnd:
                    _inflateStreamEnded = true;
                    _inflateMayHaveMore = false;
                    break;
                case ZlibNative.BufError:
                    // No progress was possible: zlib needs more input than this frame gave so far.
                    _inflateMayHaveMore = false;
                    break;
                case ZlibNative.MemError:
                    return Fail(ref input, replies, CloseCode.InternalError, "out of memory for decompression");
                default:
                    // RFC 6455 §7.4.1: 1007 is for "data within a message that was not consistent with the type of
                    // the message"; RSV1 typed this message as DEFLATE data (RFC 7692 §6), and it is not.
                    return Fail(ref input, replies, CloseCode.InvalidPayloadData, "invalid compressed data");
            }

            if (consumed == 0 && written == 0)
            {
                break;
            }
        }

        if (_inflatedLength + produced > MaxMessageSize)
        {
            return Fail(ref input, replies, CloseCode.MessageTooBig, "message too big");
        }

        var text = _messageType == MessageType.Text;

        // RFC 6455 §8.1 applies to the message's data, which is what came out of the inflater.
        if (text && !_utf8.TryAppend(chunk.AsSpan(0, produced)))
        {
            return Fail(ref input, replies, CloseCode.InvalidPayloadData, "invalid UTF-8 in text message");
        }

        _inflatedLength += produced;
        var frameDone = _frameRemaining == 0 && !_inflateMayHaveMore
            && (!_frameFin || _tailFed == PerMessageDeflate.Tail.Length || _inflateStreamEnded);
        var endOfMessage = false;
        if (frameDone)
        {
            _inFrame = false;
            if (_frameFin)
            {
                if (text && !_utf8.IsComplete)
                {
                    return Fail(ref input, replies, CloseCode.InvalidPayloadData, "incomplete UTF-8 in text message");
                }

                _inMessage = false;
                endOfMessage = true;
                _deflate.EndInflate(_inflateStreamEnded);
                _releaseInflateChunk = true;
            }
        }

        if (produced == 0 && !endOfMessage)
        {
            return default;
        }

        var startOfMessage = _messageStartPending;
        _messageStartPending = false;
        return new ProtocolEvent(
            ProtocolEventKind.Data,
            new ReadOnlySequence<byte>(chunk, 0, produced),
            _messageType,
            startOfMessage,
            endOfMessage,
            -1);
    }

    /// <summary>
    /// The next bytes of the current frame in the input, unmasked (once): the first non-empty segment, up to the
    /// frame's end. False when the input has none.
    /// </summary>
    private bool TryGetFrameBytes(ReadOnlySequence<byte> input, out Span<byte> bytes)
    {
        bytes = default;
        var position = input.Start;
        while (input.TryGet(ref position, out var memory))
        {
            if (memory.IsEmpty)
            {
                continue;
            }

            bytes = MemoryMarshal.AsMemory(memory).Span[..(int)Math.Min(memory.Length, _frameRemaining)];
            if (_frameMasked && bytes.Length > _frameUnmaskedAhead)
            {
                _frameMaskOffset = Masking.Apply(bytes[_frameUnmaskedAhead..], _frameMaskKey, _frameMaskOffset);
            }

            _frameUnmaskedAhead = Math.Max(_frameUnmaskedAhead, bytes.Length);
            return true;
        }

        return false;
    }

    private void ReleaseInflateChunk()
    {
        _releaseInflateChunk = false;
        if (_inflateChunk is { } chunk)
        {
            _inflateChunk = null;
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private ProtocolEvent ReadPayload(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies)
    {
        var chunk = input.Slice(0, Math.Min(_frameRemaining, input.Length));
        var text = _messageType == MessageType.Text;
        if (_frameMasked || text)
        {
            foreach (var segment in chunk)
            {
                if (_frameMasked)
                {
                    _frameMaskOffset = Masking.Apply(MemoryMarshal.AsMemory(segment).Span, _frameMaskKey, _frameMaskOffset);
                }

                // RFC 6455 §8.1: fail on invalid UTF-8 as soon as it shows, not when the message ends.
                if (text && !_utf8.TryAppend(segment.Span))
                {
                    return Fail(ref input, replies, CloseCode.InvalidPayloadData, "invalid UTF-8 in text message");
                }
            }
        }

        _frameRemaining -= chunk.Length;
        var endOfMessage = false;
        if (_frameRemaining == 0)
        {
            _inFrame = false;
            if (_frameFin)
            {
                if (text && !_utf8.IsComplete)
                {
                    return Fail(ref input, replies, CloseCode.InvalidPayloadData, "incomplete UTF-8 in text message");
                }

                _inMessage = false;
                endOfMessage = true;
            }
        }

        input = input.Slice(chunk.End);
        var startOfMessage = _messageStartPending;
        _messageStartPending = false;
        return new ProtocolEvent(
            ProtocolEventKind.Data,
            chunk,
            _messageType,
            startOfMessage,
            endOfMessage,
            startOfMessage ? _messageLengthHint : -1);
    }

    private ProtocolEvent ReceiveControlFrame(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies, Opcode opcode, ReadOnlySequence<byte> payload)
    {
        switch (opcode)
        {
            case Opcode.Ping:
                // RFC 6455 §5.5.2: answer with the same payload; §5.5.1: nothing more is sent after a close.
                if (CloseSent is null)
                {
                    WriteControlReply(replies, Opcode.Pong, payload);
                }

                return new ProtocolEvent(ProtocolEventKind.Ping, payload);

            case Opcode.Pong:
                return new ProtocolEvent(ProtocolEventKind.Pong, payload);

            default:
                return ReceiveClose(ref input, replies, payload);
        }
    }

    private ProtocolEvent ReceiveClose(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies, ReadOnlySequence<byte> payload)
    {
        CloseFrame received;
        if (payload.IsEmpty)
        {
            received = new CloseFrame(CloseCode.NoStatusReceived, string.Empty);
        }
        else
        {
            // RFC 6455 §5.5.1: a body starts with a 2-byte code, followed by UTF-8.
            if (payload.Length == 1)
            {
                return Fail(ref input, replies, CloseCode.ProtocolError, "close frame body of 1 byte");
            }

            Span<byte> body = stackalloc byte[FrameWriter.MaxControlPayloadLength];
            body = body[..(int)payload.Length];
            payload.CopyTo(body);
            var code = BinaryPrimitives.ReadUInt16BigEndian(body);
            if (!CloseCodes.IsValidOnWire(code))
            {
                return Fail(ref input, replies, CloseCode.ProtocolError, "invalid close code");
            }

            var reason = body[2..];
            if (!Utf8.IsValid(reason))
            {
                return Fail(ref input, replies, CloseCode.InvalidPayloadData, "invalid UTF-8 in close reason");
            }

            received = new CloseFrame((CloseCode)code, reason.IsEmpty ? string.Empty : Encoding.UTF8.GetString(reason));
        }

        CloseReceived = received;
        if (CloseSent is null)
        {
            // RFC 6455 §5.5.1: answer a close with a close, "typically echoing the status code it received".
            CloseSent = WriteCloseFrame(replies, received.Code, string.Empty);
            ReceivedThenSent = true;
        }
        else
        {
            ReceivedThenSent = false;
        }

        State = ProtocolState.Closed;
        _inputEnded = true;
        input = input.Slice(input.End);
        return new ProtocolEvent(ProtocolEventKind.Close, close: received);
    }

    // RFC 6455 §7.1.7: Fail the WebSocket Connection.
    private ProtocolEvent Fail(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies, CloseCode code, string reason)
    {
        var failure = new CloseFrame(code, reason);
        if (CloseSent is null)
        {
            CloseSent = WriteCloseFrame(replies, code, reason);
        }

        State = ProtocolState.Closed;
        _inputEnded = true;
        _inFrame = false;
        _inMessage = false;
        input = input.Slice(input.End);
        return new ProtocolEvent(ProtocolEventKind.Error, error: failure);
    }

    private static void Unmask(ReadOnlySequence<byte> payload, int maskKey, int maskOffset)
    {
        if (payload.IsSingleSegment)
        {
            Masking.Apply(MemoryMarshal.AsMemory(payload.First).Span, maskKey, maskOffset);
            return;
        }

        foreach (var segment in payload)
        {
            maskOffset = Masking.Apply(MemoryMarshal.AsMemory(segment).Span, maskKey, maskOffset);
        }
    }
}
