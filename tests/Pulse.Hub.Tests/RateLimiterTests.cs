using Pulse.Hub.Core;

namespace Pulse.Hub.Tests;

/// <summary>Issue 5 §1: "rate limits (token bucket per connection)". The bucket alone, time passed in.</summary>
public sealed class RateLimiterTests
{
    [Fact]
    public void StartsFull_BurstThenRefused()
    {
        var limiter = new RateLimiter(ratePerSecond: 10, burst: 3, nowMs: 0);

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => limiter.TryTake(0)));
    }

    [Fact]
    public void Refills_AtTheRate()
    {
        var limiter = new RateLimiter(10, 3, 0);
        for (var i = 0; i < 3; i++)
        {
            limiter.TryTake(0);
        }

        Assert.False(limiter.TryTake(99));
        Assert.True(limiter.TryTake(100));
        Assert.False(limiter.TryTake(100));
    }

    [Fact]
    public void Refill_CappedAtBurst()
    {
        var limiter = new RateLimiter(10, 3, 0);

        var taken = Enumerable.Range(0, 10).Count(_ => limiter.TryTake(1_000_000));

        Assert.Equal(3, taken);
    }

    [Fact]
    public void ClockBackwards_RefillsNothing()
    {
        var limiter = new RateLimiter(1_000, 1, 1_000);
        limiter.TryTake(1_000);

        Assert.False(limiter.TryTake(0));
        Assert.False(limiter.TryTake(1_000));
        Assert.True(limiter.TryTake(1_001));
    }

    [Fact]
    public void Sustained_RateAllowedForever()
    {
        var limiter = new RateLimiter(100, 1, 0);

        Assert.All(Enumerable.Range(0, 1_000), i => Assert.True(limiter.TryTake(i * 10L)));
    }

    [Fact]
    public void FractionalRefill_Accumulates()
    {
        var limiter = new RateLimiter(ratePerSecond: 1, burst: 1, nowMs: 0);
        limiter.TryTake(0);

        Assert.False(limiter.TryTake(400));
        Assert.False(limiter.TryTake(800));
        Assert.True(limiter.TryTake(1_000));
    }
}
