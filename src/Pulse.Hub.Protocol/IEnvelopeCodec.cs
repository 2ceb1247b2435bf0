using System.Buffers;

namespace Pulse.Hub.Protocol;

/// <summary>
/// One variant of pulse.v1 on the wire: JSON (<c>pulse.v1.json</c>, text frames, one envelope per line) or
/// Protobuf (<c>pulse.v1.protobuf</c>, binary frames, length-delimited envelopes). Both share every rule.
/// Each codec speaks both sides: the server reads client envelopes (<see cref="Read"/>) and writes its own
/// (<see cref="Write"/>, <see cref="WriteMessage"/>); a client writes requests (<see cref="WriteClient"/>) and
/// reads the server's envelopes (<see cref="ReadServer"/>).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public interface IEnvelopeCodec
{
    /// <summary>The WebSocket subprotocol, such as <c>pulse.v1.json</c>.</summary>
    string Subprotocol { get; }

    /// <summary>The WebSocket message type this codec sends and expects.</summary>
    MessageType MessageType { get; }

    /// <summary>
    /// Reads every envelope in one WebSocket message (a batch may carry several). Each result is an envelope or
    /// the error that replaces it; a malformed part never hides the parts around it when they can be told apart.
    /// </summary>
    void Read(ReadOnlySpan<byte> message, List<EnvelopeReadResult> results);

    /// <summary>
    /// Writes one server envelope as one WebSocket message payload; a <see cref="MessageEnvelope"/> is written as
    /// <see cref="WriteMessage"/> writes it.
    /// </summary>
    void Write(IBufferWriter<byte> output, ServerEnvelope envelope);

    /// <summary>
    /// Writes the <c>message</c> envelope delivering <paramref name="publication"/> on <paramref name="channel"/>.
    /// Its id is <c>{epoch}:{offset}</c>, the same for every recipient and every resend, so clients de-duplicate by it.
    /// </summary>
    void WriteMessage(IBufferWriter<byte> output, string channel, string epoch, Publication publication);

    /// <summary>
    /// The client side: writes one client envelope (a request, or an <c>ack</c>) as one WebSocket message payload,
    /// with the fields of <paramref name="envelope"/> that are set. <see cref="Envelope.Data"/>, when not empty,
    /// must be the UTF-8 text of one JSON value: it is sent as it is.
    /// </summary>
    void WriteClient(IBufferWriter<byte> output, Envelope envelope);

    /// <summary>
    /// The client side: reads every server envelope in one WebSocket message. A <c>reply</c>'s payload is a
    /// <see cref="ReceivedReply"/> (the wire does not say which request it answers). Envelopes of a type this
    /// version does not know are skipped (forward compatibility); one that cannot be read becomes a problem, and
    /// the envelopes around it still count when they can be told apart.
    /// </summary>
    void ReadServer(ReadOnlySpan<byte> message, List<ServerEnvelopeReadResult> results);
}

/// <summary>One envelope read, or the error that replaces it.</summary>
public readonly record struct EnvelopeReadResult(Envelope? Envelope, ProtocolError? Error);

/// <summary>One server envelope read by a client, or why it could not be read.</summary>
/// <param name="Envelope">The envelope; null when <paramref name="Problem"/> says what was wrong.</param>
/// <param name="Problem">A one-line description of an envelope that could not be read; null when it was.</param>
public readonly record struct ServerEnvelopeReadResult(ServerEnvelope? Envelope, string? Problem);
