using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>RFC 3629 §3 as RFC 6455 §8.1 applies it to text arriving in pieces: invalid as soon as no continuation can make it valid.</summary>
public class Utf8ValidatorTests
{
    private const string Mixed = "aé€😀z日本語ü🎉";

    public static TheoryData<string, byte[]> InvalidSequences() => new()
    {
        { "lone continuation byte", [0x80] },
        { "0xFF", [0xFF] },
        { "0xFE", [0xFE] },
        { "overlong 2-byte (C0 AF)", [0xC0, 0xAF] },
        { "overlong 2-byte (C1 BF)", [0xC1, 0xBF] },
        { "overlong 3-byte (E0 80 AF)", [0xE0, 0x80, 0xAF] },
        { "overlong 4-byte (F0 8F BF BF)", [0xF0, 0x8F, 0xBF, 0xBF] },
        { "surrogate U+D800 (ED A0 80)", [0xED, 0xA0, 0x80] },
        { "surrogate U+DFFF (ED BF BF)", [0xED, 0xBF, 0xBF] },
        { "above U+10FFFF (F4 90 80 80)", [0xF4, 0x90, 0x80, 0x80] },
        { "lead byte F5", [0xF5, 0x80, 0x80, 0x80] },
        { "lead without continuation", [0xC3, 0x41] },
        { "3-byte lead then ASCII", [0xE2, 0x82, 0x41] },
        { "valid then invalid", [0x41, 0xC3, 0xA9, 0xFF, 0x41] },
    };

    // Prefixes that no byte can complete: each fails as soon as it is seen, without waiting for the rest.
    public static TheoryData<string, byte[]> InvalidPrefixes() => new()
    {
        { "above U+10FFFF (F4 90)", [0xF4, 0x90] },
        { "overlong 3-byte (E0 80)", [0xE0, 0x80] },
        { "overlong 4-byte (F0 80)", [0xF0, 0x80] },
        { "surrogate (ED A0)", [0xED, 0xA0] },
        { "C0", [0xC0] },
        { "F5", [0xF5] },
    };

    [Fact]
    public void TryAppend_ValidText_IsComplete()
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend(Encoding.UTF8.GetBytes(Mixed)));
        Assert.True(validator.IsComplete);
    }

    [Fact]
    public void TryAppend_ValidTextSplitAtEveryPosition_IsComplete()
    {
        var bytes = Encoding.UTF8.GetBytes(Mixed);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var validator = default(Utf8Validator);

            Assert.True(validator.TryAppend(bytes.AsSpan(0, split)), $"split at {split}");
            Assert.True(validator.TryAppend(bytes.AsSpan(split)), $"split at {split}");
            Assert.True(validator.IsComplete, $"split at {split}");
        }
    }

    [Fact]
    public void TryAppend_ValidTextByteByByte_IsCompleteOnlyOnCharacterBoundaries()
    {
        var validator = default(Utf8Validator);
        foreach (var b in "€"u8.ToArray())
        {
            Assert.True(validator.IsComplete == (b == 0xE2));
            Assert.True(validator.TryAppend([b]));
        }

        Assert.True(validator.IsComplete);
    }

    [Fact]
    public void TryAppend_FourByteCharacterOverThreeChunks_IsComplete()
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend([0x41, 0xF0]));
        Assert.True(validator.TryAppend([0x9F]));
        Assert.False(validator.IsComplete);
        Assert.True(validator.TryAppend([0x98, 0x80, 0x42]));
        Assert.True(validator.IsComplete);
    }

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public void TryAppend_InvalidSequence_Fails(string name, byte[] bytes)
    {
        var validator = default(Utf8Validator);

        Assert.False(validator.TryAppend(bytes), name);
    }

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public void TryAppend_InvalidSequenceByteByByte_Fails(string name, byte[] bytes)
    {
        var validator = default(Utf8Validator);

        var valid = true;
        foreach (var b in bytes)
        {
            valid = valid && validator.TryAppend([b]);
        }

        Assert.False(valid, name);
    }

    [Theory]
    [MemberData(nameof(InvalidPrefixes))]
    public void TryAppend_InvalidPrefix_FailsAtOnce(string name, byte[] bytes)
    {
        var validator = default(Utf8Validator);

        Assert.False(validator.TryAppend(bytes), name);
    }

    [Fact]
    public void TryAppend_InvalidPrefixAcrossChunks_FailsOnTheSecondByte()
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend([0x41, 0xF4]));
        Assert.False(validator.TryAppend([0x90]));
    }

    [Theory]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0x41, 0xF0, 0x9F, 0x98 })]
    public void TryAppend_TruncatedAtTheEnd_IsNotComplete(byte[] bytes)
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend(bytes));
        Assert.False(validator.IsComplete);
    }

    [Fact]
    public void Reset_ForgetsAnIncompleteCharacter()
    {
        var validator = default(Utf8Validator);
        validator.TryAppend([0xE2, 0x82]);

        validator.Reset();

        Assert.True(validator.IsComplete);
        Assert.True(validator.TryAppend("plain"u8));
        Assert.True(validator.IsComplete);
    }

    [Fact]
    public void TryAppend_EmptyChunks_ChangeNothing()
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend([]));
        Assert.True(validator.TryAppend([0xC3]));
        Assert.True(validator.TryAppend([]));
        Assert.False(validator.IsComplete);
        Assert.True(validator.TryAppend([0xA9]));
        Assert.True(validator.IsComplete);
    }
}
