using System.Buffers;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>A <see cref="ProtocolEvent"/> with its payload copied out, so it outlives the input it came from.</summary>
internal sealed record RecordedEvent(
    ProtocolEventKind Kind,
    byte[] Payload,
    MessageType MessageType,
    bool StartOfMessage,
    bool EndOfMessage,
    long MessageLengthHint,
    CloseFrame? Close,
    CloseFrame? Error)
{
    public static RecordedEvent From(in ProtocolEvent e) =>
        new(e.Kind, e.Payload.ToArray(), e.MessageType, e.StartOfMessage, e.EndOfMessage, e.MessageLengthHint, e.Close, e.Error);
}
