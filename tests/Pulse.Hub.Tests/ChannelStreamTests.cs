using System.Text;
using Pulse.Hub.Core;

namespace Pulse.Hub.Tests;

/// <summary>DESIGN §2: each channel has an epoch and offsets 1, 2, 3…; history is bounded in size and lifetime.</summary>
public sealed class ChannelStreamTests
{
    private static readonly ReadOnlyMemory<byte> s_data = Encoding.UTF8.GetBytes("{}");

    [Fact]
    public void Append_AssignsOffsetsOneTwoThree()
    {
        var stream = new ChannelStream("e1");

        var offsets = Enumerable.Range(0, 3).Select(_ => stream.Append(s_data, null, null, false, 0, 10, 1000).Offset);

        Assert.Equal([1L, 2L, 3L], offsets);
        Assert.Equal(new("e1", 3), stream.Latest);
    }

    [Fact]
    public void ReadAfter_ReturnsExactlyTheLaterOnesInOrder()
    {
        var stream = new ChannelStream("e");
        for (var i = 0; i < 5; i++)
        {
            stream.Append(s_data, null, null, false, 0, 10, 1000);
        }

        Assert.Equal([3L, 4L, 5L], stream.ReadAfter(2, 100, 0, 10, 1000).Select(p => p.Offset));
        Assert.Equal([3L, 4L], stream.ReadAfter(2, 2, 0, 10, 1000).Select(p => p.Offset));
        Assert.Empty(stream.ReadAfter(5, 100, 0, 10, 1000));
    }

    [Fact]
    public void History_BoundedBySize_KeepsTheNewest()
    {
        var stream = new ChannelStream("e");
        for (var i = 0; i < 10; i++)
        {
            stream.Append(s_data, null, null, false, 0, 3, 1000);
        }

        Assert.Equal([8L, 9L, 10L], stream.ReadAfter(0, 100, 0, 3, 1000).Select(p => p.Offset));
    }

    [Fact]
    public void History_BoundedByAge_DropsExpired()
    {
        var stream = new ChannelStream("e");
        stream.Append(s_data, null, null, false, nowMs: 0, 10, ttlMs: 100);
        stream.Append(s_data, null, null, false, nowMs: 50, 10, ttlMs: 100);

        Assert.Equal([2L], stream.ReadAfter(0, 100, nowMs: 120, 10, 100).Select(p => p.Offset));
        Assert.Equal(new("e", 2), stream.Latest);
    }

    [Fact]
    public void HistorySizeZero_StillAdvancesTheOffset()
    {
        var stream = new ChannelStream("e");

        stream.Append(s_data, null, null, false, 0, 0, 1000);
        stream.Append(s_data, null, null, false, 0, 0, 1000);

        Assert.Equal(2, stream.Latest.Offset);
        Assert.Empty(stream.ReadAfter(0, 100, 0, 0, 1000));
    }
}
