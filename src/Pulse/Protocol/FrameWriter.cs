using System.Buffers;

namespace Pulse.Protocol;

/// <summary>Frames payloads (RFC 6455 §5.2): the low-level writer under <see cref="WebSocketProtocol"/>, also used to pre-frame a broadcast once.</summary>
public static class FrameWriter
{
    /// <summary>The number of bytes a frame with this payload length takes on the wire.</summary>
    public static int GetFrameLength(int payloadLength, bool masked) => throw new NotImplementedException();

    /// <summary>Writes one frame; masks it with <paramref name="maskKey"/> when that is 4 bytes long, sends it unmasked when empty.</summary>
    /// <exception cref="ArgumentException">The mask key is neither empty nor 4 bytes long.</exception>
    public static void WriteFrame(IBufferWriter<byte> output, Opcode opcode, bool fin, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> maskKey = default, bool rsv1 = false) =>
        throw new NotImplementedException();
}
