using System.Buffers;

namespace Pulse.Internal;

/// <summary>
/// The transport's writer as senders see it when they frame straight into it: counts the bytes written, so
/// they count against the write limit until the drain has flushed them.
/// </summary>
internal sealed class CountingWriter(IBufferWriter<byte> inner) : IBufferWriter<byte>
{
    /// <summary>Bytes written since the count was last taken.</summary>
    public int Written { get; private set; }

    public void Advance(int count)
    {
        inner.Advance(count);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    /// <summary>Returns <see cref="Written"/> and starts counting from 0.</summary>
    public int TakeCount()
    {
        var written = Written;
        Written = 0;
        return written;
    }
}
