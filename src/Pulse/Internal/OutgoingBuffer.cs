using System.Buffers;
using System.Diagnostics;

namespace Pulse.Internal;

/// <summary>
/// The bytes a connection has framed but not yet handed to its transport, in one pooled array that grows as
/// needed. The connection's writer takes the whole array at once (<see cref="Take"/>), so every frame queued
/// while it was flushing goes out in one write and one flush. Holds no array while empty, so an idle connection
/// costs nothing here.
/// </summary>
/// <remarks>Not thread-safe: the connection holds its lock around every call.</remarks>
internal sealed class OutgoingBuffer : IBufferWriter<byte>
{
    private const int MinimumSize = 4096;
    private byte[]? _buffer;
    private int _length;

    /// <summary>Bytes appended and not yet taken.</summary>
    public int Length => _length;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        Debug.Assert(_buffer is not null && _length + count <= _buffer.Length, "Advance past the span handed out");
        _length += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsMemory(_length);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_length);
    }

    /// <summary>Appends bytes as they are (a pre-framed broadcast frame).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Hands over everything appended; the caller returns the array with <see cref="Return"/>.</summary>
    public (byte[] Buffer, int Length)? Take()
    {
        if (_buffer is null || _length == 0)
        {
            return null;
        }

        var taken = (_buffer, _length);
        _buffer = null;
        _length = 0;
        return taken;
    }

    /// <summary>Drops everything appended and not taken (the connection is gone, or a slow consumer is cut off).</summary>
    public void Clear()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _length = 0;
    }

    /// <summary>Returns an array handed out by <see cref="Take"/> to the pool.</summary>
    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_buffer))]
    private void EnsureCapacity(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (_buffer is not null && needed <= _buffer.Length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumSize, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }
}
