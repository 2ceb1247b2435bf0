using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Pulse.Protocol;

/// <summary>
/// Checks that a text message is UTF-8 (RFC 6455 §5.6, §8.1) while it arrives in chunks that may split a character.
/// </summary>
/// <remarks>
/// Fails as soon as the bytes seen so far cannot start valid UTF-8 (RFC 3629 §3: no overlong forms, no surrogates,
/// nothing above U+10FFFF), so <c>F4 90</c> fails without waiting for the rest of its sequence. The bytes of a
/// character split across chunks are carried over (at most 3). A mutable struct: keep it in a field, not a copy.
/// </remarks>
internal struct Utf8Validator
{
    private int _pendingBytes;
    private int _pendingLength;

    /// <summary>Whether the bytes seen end on a character boundary, as a whole message must.</summary>
    public readonly bool IsComplete => _pendingLength == 0;

    /// <summary>Forgets everything seen, for the next message.</summary>
    public void Reset()
    {
        _pendingBytes = 0;
        _pendingLength = 0;
    }

    /// <summary>Checks the next chunk; false when the message can no longer be valid UTF-8.</summary>
    public bool TryAppend(ReadOnlySpan<byte> chunk)
    {
        if (_pendingLength != 0 && !TryCompletePending(ref chunk))
        {
            return false;
        }

        return chunk.IsEmpty || Utf8.IsValid(chunk) || TryAppendWithIncompleteTail(chunk);
    }

    private bool TryCompletePending(ref ReadOnlySpan<byte> chunk)
    {
        Span<byte> sequence = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(sequence, _pendingBytes);
        var taken = Math.Min(sequence.Length - _pendingLength, chunk.Length);
        chunk[..taken].CopyTo(sequence[_pendingLength..]);
        var available = _pendingLength + taken;

        switch (Rune.DecodeFromUtf8(sequence[..available], out _, out var consumed))
        {
            case OperationStatus.Done:
                chunk = chunk[(consumed - _pendingLength)..];
                Reset();
                return true;

            case OperationStatus.NeedMoreData:
                // Fewer than 4 bytes were available, so the whole chunk went into the sequence.
                _pendingBytes = BinaryPrimitives.ReadInt32LittleEndian(sequence);
                _pendingLength = available;
                chunk = default;
                return true;

            default:
                return false;
        }
    }

    private bool TryAppendWithIncompleteTail(ReadOnlySpan<byte> chunk)
    {
        // A character cut by the chunk's end leaves its lead byte within the last 3 bytes.
        var lead = -1;
        for (var i = chunk.Length - 1; i >= Math.Max(0, chunk.Length - 3); i--)
        {
            if ((chunk[i] & 0xC0) != 0x80)
            {
                lead = i;
                break;
            }
        }

        if (lead < 0 || !Utf8.IsValid(chunk[..lead]))
        {
            return false;
        }

        var tail = chunk[lead..];
        if (Rune.DecodeFromUtf8(tail, out _, out _) != OperationStatus.NeedMoreData)
        {
            return false;
        }

        Span<byte> sequence = stackalloc byte[4];
        tail.CopyTo(sequence);
        _pendingBytes = BinaryPrimitives.ReadInt32LittleEndian(sequence);
        _pendingLength = tail.Length;
        return true;
    }
}
