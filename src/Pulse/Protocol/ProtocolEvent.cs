using System.Buffers;

namespace Pulse.Protocol;

/// <summary>One thing <see cref="WebSocketProtocol.Receive"/> parsed out of the input.</summary>
/// <remarks>
/// <see cref="Payload"/> is a slice of the caller's input, already unmasked. It is valid until the caller
/// releases that input (for a pipe, until <c>AdvanceTo</c>): copy what must outlive it.
/// </remarks>
public readonly struct ProtocolEvent
{
    /// <summary>Creates an event; used by <see cref="WebSocketProtocol"/> and by tests.</summary>
    public ProtocolEvent(
        ProtocolEventKind kind,
        ReadOnlySequence<byte> payload = default,
        MessageType messageType = default,
        bool startOfMessage = false,
        bool endOfMessage = false,
        long messageLengthHint = -1,
        CloseFrame? close = null,
        CloseFrame? error = null)
    {
        Kind = kind;
        Payload = payload;
        MessageType = messageType;
        StartOfMessage = startOfMessage;
        EndOfMessage = endOfMessage;
        MessageLengthHint = messageLengthHint;
        Close = close;
        Error = error;
    }

    /// <summary>What was found.</summary>
    public ProtocolEventKind Kind { get; }

    /// <summary>
    /// For <see cref="ProtocolEventKind.Data"/>, the next chunk of the message payload (possibly empty);
    /// for <see cref="ProtocolEventKind.Ping"/> and <see cref="ProtocolEventKind.Pong"/>, the control payload.
    /// </summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>For <see cref="ProtocolEventKind.Data"/>: text or binary (the opcode of the message's first frame).</summary>
    public MessageType MessageType { get; }

    /// <summary>For <see cref="ProtocolEventKind.Data"/>: this chunk is the first of a new message.</summary>
    public bool StartOfMessage { get; }

    /// <summary>For <see cref="ProtocolEventKind.Data"/>: this chunk completes the message (FIN frame, all payload read).</summary>
    public bool EndOfMessage { get; }

    /// <summary>
    /// For the first chunk of a message sent as one unfragmented frame: the whole payload length, so a caller
    /// can allocate the message once. -1 when unknown (fragmented messages).
    /// </summary>
    public long MessageLengthHint { get; }

    /// <summary>For <see cref="ProtocolEventKind.Close"/>: the close frame received.</summary>
    public CloseFrame? Close { get; }

    /// <summary>For <see cref="ProtocolEventKind.Error"/>: the close frame sent because of the failure.</summary>
    public CloseFrame? Error { get; }
}
