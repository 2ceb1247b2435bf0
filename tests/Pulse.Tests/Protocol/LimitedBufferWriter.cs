using System.Buffers;

namespace Pulse.Tests.Protocol;

/// <summary>An <see cref="IBufferWriter{T}"/> that hands out spans of at most a few bytes, to exercise chunked writes.</summary>
internal sealed class LimitedBufferWriter(int maxSpan) : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _buffer = [];

    public byte[] WrittenBytes => [.. _written];

    public void Advance(int count)
    {
        if (count < 0 || count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written.AddRange(_buffer.AsSpan(0, count));
        _buffer = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        _buffer = new byte[Math.Max(sizeHint, maxSpan)];
        return _buffer;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
