using Pulse.Cli.Bench;

namespace Pulse.Cli.Tests.Bench;

/// <summary>The latency histogram: exact below 2^bits, within 2^-bits above, percentiles by rank, never below the truth.</summary>
public sealed class LogLinearHistogramTests
{
    [Fact]
    public void Empty_ReportsZero()
    {
        var histogram = new LogLinearHistogram(1_000_000);

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.Min);
    }

    [Fact]
    public void SmallValues_AreExact()
    {
        var histogram = new LogLinearHistogram(1_000_000, precisionBits: 7);
        for (var value = 1; value <= 100; value++)
        {
            histogram.Record(value);
        }

        Assert.Equal(50, histogram.ValueAtPercentile(50));
        Assert.Equal(90, histogram.ValueAtPercentile(90));
        Assert.Equal(99, histogram.ValueAtPercentile(99));
        Assert.Equal(100, histogram.ValueAtPercentile(99.9));
        Assert.Equal(100, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.ValueAtPercentile(0));
        Assert.Equal(50.5, histogram.Mean);
    }

    [Theory]
    [InlineData(1_000L)]
    [InlineData(123_456L)]
    [InlineData(987_654_321L)]
    [InlineData(599_999_999_999L)]
    public void LargeValues_WithinRelativeError_AndNeverBelow(long value)
    {
        var histogram = new LogLinearHistogram(600_000_000_000, precisionBits: 7);
        histogram.Record(value);
        histogram.Record(value * 2 / 3);

        // The top value's bucket is capped by the exact maximum; the other is reported at its bucket's top.
        Assert.Equal(value, histogram.ValueAtPercentile(99));
        var lower = histogram.ValueAtPercentile(50);
        Assert.InRange(lower, value * 2 / 3, (value * 2 / 3) * (1 + (1.0 / 128)));
    }

    [Fact]
    public void Percentiles_FollowRanks_OverAWideSpread()
    {
        var histogram = new LogLinearHistogram(10_000_000_000, precisionBits: 7);

        // 990 fast values of 100 µs, 9 slow ones of 5 ms, one outlier of 2 s (nanoseconds).
        for (var i = 0; i < 990; i++)
        {
            histogram.Record(100_000);
        }

        for (var i = 0; i < 9; i++)
        {
            histogram.Record(5_000_000);
        }

        histogram.Record(2_000_000_000);

        AssertClose(100_000, histogram.ValueAtPercentile(50));
        AssertClose(100_000, histogram.ValueAtPercentile(99));
        AssertClose(5_000_000, histogram.ValueAtPercentile(99.9));
        Assert.Equal(2_000_000_000, histogram.ValueAtPercentile(100));
        Assert.Equal(2_000_000_000, histogram.Max);
        Assert.Equal(1000, histogram.Count);
    }

    [Fact]
    public void AboveTrackableRange_CountsInLastBucket_ReportsExactMax()
    {
        var histogram = new LogLinearHistogram(1000);
        histogram.Record(10);
        histogram.Record(50_000);

        Assert.Equal(50_000, histogram.Max);
        Assert.Equal(50_000, histogram.ValueAtPercentile(100));
        Assert.Equal(10, histogram.ValueAtPercentile(50));
    }

    [Fact]
    public void NegativeValue_CountsAsZero()
    {
        var histogram = new LogLinearHistogram(1000);
        histogram.Record(-5);

        Assert.Equal(0, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(12)]
    public void Buckets_TileTheRange_WithoutGapsOrOverlaps(int precisionBits)
    {
        var histogram = new LogLinearHistogram(1L << 40, precisionBits);
        var last = histogram.IndexOf(1L << 40);

        for (var index = 0; index < last; index++)
        {
            var low = histogram.LowestEquivalentValue(index);
            var high = histogram.HighestEquivalentValue(index);
            Assert.Equal(index, histogram.IndexOf(low));
            Assert.Equal(index, histogram.IndexOf(high));
            Assert.Equal(high + 1, histogram.LowestEquivalentValue(index + 1));
            Assert.True(high - low <= Math.Max(0, low >> precisionBits), $"bucket {index} [{low}, {high}] is wider than 2^-{precisionBits}");
        }
    }

    [Fact]
    public async Task Record_FromManyThreads_LosesNothing()
    {
        var histogram = new LogLinearHistogram(1_000_000);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 1; i <= 10_000; i++)
            {
                histogram.Record(i);
            }
        })));

        Assert.Equal(40_000, histogram.Count);
        Assert.Equal(10_000, histogram.Max);
        Assert.Equal(1, histogram.Min);
    }

    private static void AssertClose(long expected, long actual) =>
        Assert.InRange(actual, expected, expected + (expected / 128));
}
