using Pulse.Internal;

namespace Pulse.Tests.Internal;

/// <summary>The outgoing buffer holds frames in order, hands them over whole, and holds no array while empty.</summary>
public sealed class OutgoingBufferTests
{
    [Fact]
    public void Take_WhenEmpty_ReturnsNull() => Assert.Null(new OutgoingBuffer().Take());

    [Fact]
    public void Take_ReturnsEverythingWrittenInOrder_AndEmptiesTheBuffer()
    {
        var buffer = new OutgoingBuffer();
        buffer.Write([1, 2, 3]);
        var span = buffer.GetSpan(2);
        span[0] = 4;
        span[1] = 5;
        buffer.Advance(2);

        var taken = buffer.Take();

        Assert.NotNull(taken);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, taken.Value.Buffer.AsSpan(0, taken.Value.Length).ToArray());
        Assert.Equal(0, buffer.Length);
        Assert.Null(buffer.Take());
        OutgoingBuffer.Return(taken.Value.Buffer);
    }

    [Fact]
    public void Write_BeyondTheFirstArray_GrowsAndKeepsEveryByte()
    {
        var buffer = new OutgoingBuffer();
        var expected = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();

        for (var i = 0; i < expected.Length; i += 1000)
        {
            buffer.Write(expected.AsSpan(i, 1000));
        }

        var taken = buffer.Take()!.Value;
        Assert.Equal(expected, taken.Buffer.AsSpan(0, taken.Length).ToArray());
    }

    [Fact]
    public void Clear_DropsWhatWasNotTaken()
    {
        var buffer = new OutgoingBuffer();
        buffer.Write([1, 2, 3]);

        buffer.Clear();

        Assert.Equal(0, buffer.Length);
        Assert.Null(buffer.Take());
    }
}
