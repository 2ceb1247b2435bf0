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

    private enum HeaderResult
    {
        NeedMoreData,
        DataFrameStarted,
        Event,
    }

    private ProtocolEvent ReceiveCore(ref ReadOnlySequence<byte> input, IBufferWriter<byte> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        if (_inputEnded)
        {
            input = input.Slice(input.End);
            return default;
        }

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

        // A final frame's end is reported even when it is empty; otherwise only bytes make an event.
        if (_frameRemaining != 0 && input.IsEmpty)
        {
            return default;
        }

        return ReadPayload(ref input, replies);
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

        // RFC 6455 §10.4: refuse an oversized message on its declared length, before buffering any of it.
        var lengthSoFar = opcode == Opcode.Continuation ? _messageLength : 0;
        if (!control && length > MaxMessageSize - lengthSoFar)
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
        StartDataFrame(opcode, fin, masked, maskKey, length);
        return HeaderResult.DataFrameStarted;
    }

    private string? CheckFrameStart(int reservedBits, Opcode opcode, bool fin, bool masked, int shortLength)
    {
        if (!FrameWriter.IsDefined(opcode))
        {
            return "reserved opcode";
        }

        if (!AreReservedBitsAllowed(reservedBits))
        {
            return "reserved bits set";
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

    // RFC 6455 §5.2: RSV1–3 must be 0 unless a negotiated extension defines them. This is the seam for
    // permessage-deflate (RFC 7692 §6), which will allow RSV1 on the first frame of a Text or Binary message.
    private static bool AreReservedBitsAllowed(int reservedBits) => reservedBits == 0;

    private void StartDataFrame(Opcode opcode, bool fin, bool masked, int maskKey, long length)
    {
        if (opcode != Opcode.Continuation)
        {
            _inMessage = true;
            _messageStartPending = true;
            _messageType = (MessageType)opcode;
            _messageLength = 0;
            _messageLengthHint = fin ? length : -1;
            _utf8.Reset();
        }

        _messageLength += length;
        _inFrame = true;
        _frameFin = fin;
        _frameMasked = masked;
        _frameMaskKey = maskKey;
        _frameMaskOffset = 0;
        _frameRemaining = length;
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
