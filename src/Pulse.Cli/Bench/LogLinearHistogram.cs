using System.Numerics;

namespace Pulse.Cli.Bench;

/// <summary>
/// A histogram of non-negative integers (nanoseconds, for round-trip times) laid out as HdrHistogram lays
/// out its buckets: values below 2^<c>precisionBits</c> each have a bucket of their own; above that, every
/// power of two is cut into 2^<c>precisionBits</c> equal buckets. A value is therefore reported within a
/// relative error of 2^-<c>precisionBits</c> (0.8 % for the default 7 bits), whatever its magnitude, in a
/// few thousand counters.
/// </summary>
/// <remarks>
/// <see cref="Record"/> is thread-safe, lock-free and allocation-free; it may run on many threads at once.
/// The readers (<see cref="ValueAtPercentile"/> and the properties) are meant for after recording ends.
/// </remarks>
internal sealed class LogLinearHistogram
{
    private readonly long[] _counts;
    private readonly int _precisionBits;
    private readonly long _subBucketCount;
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max;

    /// <param name="highestTrackableValue">Up to 2^62; larger values are counted in the last bucket (<see cref="Max"/> stays exact).</param>
    /// <param name="precisionBits">Buckets per power of two, as a power of two: 1 to 16.</param>
    public LogLinearHistogram(long highestTrackableValue, int precisionBits = 7)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(highestTrackableValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(highestTrackableValue, 1L << 62);
        ArgumentOutOfRangeException.ThrowIfLessThan(precisionBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precisionBits, 16);
        _precisionBits = precisionBits;
        _subBucketCount = 1L << precisionBits;
        HighestTrackableValue = highestTrackableValue;
        _counts = new long[IndexOf(highestTrackableValue) + 1];
    }

    public long HighestTrackableValue { get; }

    /// <summary>The number of values recorded.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The smallest value recorded, exactly; 0 when empty.</summary>
    public long Min => Count == 0 ? 0 : Volatile.Read(ref _min);

    /// <summary>The largest value recorded, exactly (even above <see cref="HighestTrackableValue"/>); 0 when empty.</summary>
    public long Max => Volatile.Read(ref _max);

    /// <summary>The mean of the values recorded; 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    /// <summary>Counts one value; a negative one counts as 0.</summary>
    public void Record(long value)
    {
        value = Math.Max(0, value);
        Interlocked.Increment(ref _counts[IndexOf(Math.Min(value, HighestTrackableValue))]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        UpdateMin(value);
        UpdateMax(value);
    }

    /// <summary>
    /// The value below or at which <paramref name="percentile"/> % of the recorded values fall, reported as the
    /// highest value of its bucket (so never below the true value), and never above <see cref="Max"/>.
    /// Percentile 0 gives <see cref="Min"/>; an empty histogram gives 0.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        if (percentile == 0)
        {
            return Min;
        }

        // The rank of the value wanted, from 1: the smallest rank that covers the percentile. Rounding first keeps
        // binary fractions from pushing an exact rank up by one (99.9 % of 1,000 is 999, not 999.0000000000001).
        var rank = Math.Max(1, (long)Math.Ceiling(Math.Round(percentile / 100 * count, 9)));
        long seen = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            seen += Volatile.Read(ref _counts[index]);
            if (seen >= rank)
            {
                // The last bucket also holds the values above the trackable range: only Max is sure not to be low.
                return index == _counts.Length - 1 ? Max : Math.Min(HighestEquivalentValue(index), Max);
            }
        }

        return Max;
    }

    /// <summary>The bucket a value falls in.</summary>
    internal int IndexOf(long value)
    {
        if (value < _subBucketCount)
        {
            return (int)value;
        }

        // value = mantissa * 2^shift with mantissa in [2^bits, 2^(bits+1)): one power of two per shift.
        var shift = (63 - BitOperations.LeadingZeroCount((ulong)value)) - _precisionBits;
        var mantissa = value >> shift;
        return (int)((_subBucketCount * shift) + mantissa);
    }

    /// <summary>The smallest value that falls in bucket <paramref name="index"/>.</summary>
    internal long LowestEquivalentValue(int index)
    {
        if (index < _subBucketCount)
        {
            return index;
        }

        var shift = (int)(index / _subBucketCount) - 1;
        var mantissa = index - (_subBucketCount * shift);
        return mantissa << shift;
    }

    /// <summary>The largest value that falls in bucket <paramref name="index"/>.</summary>
    internal long HighestEquivalentValue(int index) => LowestEquivalentValue(index + 1) - 1;

    private void UpdateMin(long value)
    {
        var current = Volatile.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private void UpdateMax(long value)
    {
        var current = Volatile.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
