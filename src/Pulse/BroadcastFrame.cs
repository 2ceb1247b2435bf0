using System.Buffers;
using Pulse.Protocol;

namespace Pulse;

/// <summary>
/// A message framed once for every server-side recipient of a broadcast: plain, and compressed once for each
/// group of recipients that agreed to compress every message on its own with the same window and memory level
/// (server_no_context_takeover, RFC 7692 §7.1.1.1). Recipients that keep a compression context, and client-side
/// recipients (which mask), frame their own copy.
/// </summary>
/// <remarks>Thread-safe, as <see cref="PreparedMessage"/> is: frames are made once, on first use, under a lock.</remarks>
internal sealed class BroadcastFrame
{
    private readonly Lock _lock = new();
    private ReadOnlyMemory<byte>? _serverFrame;
    private List<(int WindowBits, int MemoryLevel, ReadOnlyMemory<byte> Frame)>? _compressed;

    public BroadcastFrame(MessageType type, ReadOnlyMemory<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    public MessageType Type { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>How many times the payload was compressed (once per group of like recipients).</summary>
    public int CompressionCount
    {
        get
        {
            lock (_lock)
            {
                return _compressed?.Count ?? 0;
            }
        }
    }

    /// <summary>The uncompressed frame, made on first use.</summary>
    public ReadOnlyMemory<byte> ServerFrame
    {
        get
        {
            lock (_lock)
            {
                return _serverFrame ??= Frame(Payload.Span, rsv1: false);
            }
        }
    }

    /// <summary>The frame compressed on its own for recipients with this window and memory level, made on first use.</summary>
    public ReadOnlyMemory<byte> CompressedServerFrame(int windowBits, int memoryLevel)
    {
        lock (_lock)
        {
            _compressed ??= [];
            foreach (var (bits, level, frame) in _compressed)
            {
                if (bits == windowBits && level == memoryLevel)
                {
                    return frame;
                }
            }

            var compressed = Frame(PerMessageDeflate.CompressAlone(Payload.Span, windowBits, memoryLevel), rsv1: true);
            _compressed.Add((windowBits, memoryLevel, compressed));
            return compressed;
        }
    }

    private ReadOnlyMemory<byte> Frame(ReadOnlySpan<byte> payload, bool rsv1)
    {
        var writer = new ArrayBufferWriter<byte>(FrameWriter.GetFrameLength(payload.Length, masked: false));
        FrameWriter.WriteFrame(writer, Type == MessageType.Text ? Opcode.Text : Opcode.Binary, fin: true, payload, rsv1: rsv1);
        return writer.WrittenMemory;
    }
}
