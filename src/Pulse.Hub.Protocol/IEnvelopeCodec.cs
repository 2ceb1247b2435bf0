using System.Buffers;

namespace Pulse.Hub.Protocol;

/// <summary>
/// One variant of pulse.v1 on the wire: JSON (<c>pulse.v1.json</c>, text frames, one envelope per line) or
/// Protobuf (<c>pulse.v1.protobuf</c>, binary frames, length-delimited envelopes). Both share every rule.
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

    /// <summary>Writes one server envelope as one WebSocket message payload.</summary>
    void Write(IBufferWriter<byte> output, ServerEnvelope envelope);

    /// <summary>
    /// Writes the <c>message</c> envelope delivering <paramref name="publication"/> on <paramref name="channel"/>.
    /// Its id is <c>{epoch}:{offset}</c>, the same for every recipient and every resend, so clients de-duplicate by it.
    /// </summary>
    void WriteMessage(IBufferWriter<byte> output, string channel, string epoch, Publication publication);
}

/// <summary>One envelope read, or the error that replaces it.</summary>
public readonly record struct EnvelopeReadResult(Envelope? Envelope, ProtocolError? Error);
