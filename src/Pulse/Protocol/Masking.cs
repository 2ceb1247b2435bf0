using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Pulse.Protocol;

/// <summary>
/// The XOR masking of RFC 6455 §5.3: payload octet <c>i</c> is XORed with mask key octet <c>i MOD 4</c>.
/// Masking and unmasking are the same operation.
/// </summary>
/// <remarks>
/// A mask key is passed as an <see cref="int"/> whose little-endian bytes are the key as it appears on the wire,
/// so key octet <c>j</c> is <c>(maskKey &gt;&gt; (8 * j)) &amp; 0xFF</c> on every platform. A payload that arrives
/// in chunks is masked chunk by chunk: each call takes the position in the 4-byte key cycle where the chunk
/// starts and returns where the next one starts.
/// </remarks>
internal static class Masking
{
    /// <summary>Masks <paramref name="data"/> in place, starting at octet <paramref name="maskOffset"/> of the key.</summary>
    /// <returns>The key offset for the byte after <paramref name="data"/>.</returns>
    public static int Apply(Span<byte> data, int maskKey, int maskOffset) => Apply(data, data, maskKey, maskOffset);

    /// <summary>
    /// Writes <paramref name="source"/> masked into <paramref name="destination"/> (which may be the same memory),
    /// starting at octet <paramref name="maskOffset"/> of the key.
    /// </summary>
    /// <returns>The key offset for the byte after <paramref name="source"/>.</returns>
    public static int Apply(ReadOnlySpan<byte> source, Span<byte> destination, int maskKey, int maskOffset)
    {
        Debug.Assert(destination.Length >= source.Length, $"Expected {nameof(destination)} to hold {nameof(source)}");
        destination = destination[..source.Length];

        // Rotating the key so that its octet 0 lines up with source[0] lets every wide step below use one constant.
        var key = BitOperations.RotateRight((uint)maskKey, (maskOffset & 3) * 8);
        var nativeKey = BitConverter.IsLittleEndian ? key : BinaryPrimitives.ReverseEndianness(key);
        var index = 0;

        if (Vector.IsHardwareAccelerated && source.Length >= Vector<byte>.Count)
        {
            var maskVector = Vector.AsVectorByte(new Vector<uint>(nativeKey));
            var sourceVectors = MemoryMarshal.Cast<byte, Vector<byte>>(source);
            var destinationVectors = MemoryMarshal.Cast<byte, Vector<byte>>(destination);
            for (var i = 0; i < sourceVectors.Length; i++)
            {
                destinationVectors[i] = sourceVectors[i] ^ maskVector;
            }

            index = sourceVectors.Length * Vector<byte>.Count;
        }

        // Vector widths are multiples of 8, so the key cycle is still aligned at index here.
        var wideKey = ((ulong)nativeKey << 32) | nativeKey;
        for (; index <= source.Length - sizeof(ulong); index += sizeof(ulong))
        {
            var value = MemoryMarshal.Read<ulong>(source[index..]) ^ wideKey;
            MemoryMarshal.Write(destination[index..], in value);
        }

        for (; index < source.Length; index++)
        {
            destination[index] = (byte)(source[index] ^ (key >> ((index & 3) * 8)));
        }

        return (maskOffset + source.Length) & 3;
    }
}
