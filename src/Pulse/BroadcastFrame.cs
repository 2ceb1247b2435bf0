using System.Buffers;
using Pulse.Protocol;

namespace Pulse;

/// <summary>A message framed once for every server-side recipient of a broadcast; client-side recipients mask their own copy.</summary>
internal readonly struct BroadcastFrame
{
    public BroadcastFrame(MessageType type, ReadOnlyMemory<byte> payload)
    {
        Type = type;
        Payload = payload;
        var writer = new ArrayBufferWriter<byte>(FrameWriter.GetFrameLength(payload.Length, masked: false));
        FrameWriter.WriteFrame(writer, type == MessageType.Text ? Opcode.Text : Opcode.Binary, fin: true, payload.Span);
        ServerFrame = writer.WrittenMemory;
    }

    public MessageType Type { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public ReadOnlyMemory<byte> ServerFrame { get; }
}
