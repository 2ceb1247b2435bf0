using System.Buffers.Binary;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 6455 §5.3: "octet i of the transformed data is the XOR of octet i of the original data with octet at index i modulo 4 of the masking key."</summary>
public class MaskingTests
{
    private static readonly byte[] s_key = [0x37, 0xfa, 0x21, 0x3d];
    private static readonly int s_maskKey = BinaryPrimitives.ReadInt32LittleEndian(s_key);

    public static TheoryData<int> MaskOffsets() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(MaskOffsets))]
    public void Apply_EveryLengthUpTo300_MatchesScalarReference(int maskOffset)
    {
        for (var length = 0; length <= 300; length++)
        {
            var data = TestBytes.Pattern(length);
            var expected = Reference(data, maskOffset);

            var next = Masking.Apply(data, s_maskKey, maskOffset);

            Assert.Equal(expected, data);
            Assert.Equal((maskOffset + length) % 4, next);
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 3)]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    public void Apply_UnalignedStart_MatchesScalarReference(int start, int maskOffset)
    {
        for (var length = 0; length <= 300; length += 13)
        {
            var buffer = TestBytes.Pattern(start + length + 3);
            var expected = buffer.ToArray();
            Reference(expected.AsSpan(start, length), maskOffset).CopyTo(expected, start);

            Masking.Apply(buffer.AsSpan(start, length), s_maskKey, maskOffset);

            // Bytes around the span are untouched.
            Assert.Equal(expected, buffer);
        }
    }

    [Theory]
    [MemberData(nameof(MaskOffsets))]
    public void Apply_FromSourceToDestination_MatchesScalarReferenceAndLeavesSource(int maskOffset)
    {
        for (var length = 0; length <= 300; length++)
        {
            var source = TestBytes.Pattern(length);
            var original = source.ToArray();
            var destination = new byte[length + 1];

            Masking.Apply(source, destination, s_maskKey, maskOffset);

            Assert.Equal(Reference(original, maskOffset), destination.AsSpan(0, length).ToArray());
            Assert.Equal(0, destination[length]);
            Assert.Equal(original, source);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(100)]
    public void Apply_InChunks_EqualsApplyingOnce(int chunkLength)
    {
        var whole = TestBytes.Pattern(1000);
        var chunked = whole.ToArray();
        Masking.Apply(whole, s_maskKey, 0);

        var offset = 0;
        for (var start = 0; start < chunked.Length; start += chunkLength)
        {
            offset = Masking.Apply(chunked.AsSpan(start, Math.Min(chunkLength, chunked.Length - start)), s_maskKey, offset);
        }

        Assert.Equal(whole, chunked);
    }

    [Fact]
    public void Apply_Twice_RestoresTheData()
    {
        var data = TestBytes.Pattern(257);

        Masking.Apply(data, s_maskKey, 2);
        Masking.Apply(data, s_maskKey, 2);

        Assert.Equal(TestBytes.Pattern(257), data);
    }

    [Fact]
    public void Apply_RfcExample_MasksHello()
    {
        // RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d.
        var data = "Hello"u8.ToArray();

        Masking.Apply(data, s_maskKey, 0);

        Assert.Equal([0x7f, 0x9f, 0x4d, 0x51, 0x58], data);
    }

    private static byte[] Reference(ReadOnlySpan<byte> data, int maskOffset)
    {
        var result = new byte[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            result[i] = (byte)(data[i] ^ s_key[(maskOffset + i) % 4]);
        }

        return result;
    }
}
