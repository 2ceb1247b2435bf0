using Pulse.Internal;

namespace Pulse.Tests.Internal;

/// <summary>Reconnect delays grow by a factor up to a cap, with jitter between half and all of the step, and reset.</summary>
public sealed class BackoffTests
{
    [Fact]
    public void Next_WithoutJitter_GrowsByTheFactorUpToTheCap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 2, () => 1.0);

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 5, 5, 5], delays);
    }

    [Fact]
    public void Next_WithLeastJitter_IsHalfTheStep()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 2, () => 0.0);

        Assert.Equal(0.5, backoff.Next().TotalSeconds);
        Assert.Equal(1.0, backoff.Next().TotalSeconds);
    }

    [Fact]
    public void Next_WithRandomJitter_StaysWithinHalfAndAllOfTheStep()
    {
        var random = new Random(7);
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 1.5, random.NextDouble);
        var step = 1.0;

        for (var i = 0; i < 20; i++)
        {
            var delay = backoff.Next().TotalSeconds;
            Assert.InRange(delay, Math.Min(step, 60) / 2, Math.Min(step, 60));
            step *= 1.5;
        }
    }

    [Fact]
    public void Reset_StartsAgainFromTheInitialStep()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 3, () => 1.0);
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(1, backoff.Next().TotalSeconds);
    }
}
