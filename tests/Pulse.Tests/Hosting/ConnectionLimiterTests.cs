using System.Net;

namespace Pulse.Tests.Hosting;

public sealed class ConnectionLimiterTests
{
    private static readonly IPAddress s_alice = IPAddress.Parse("198.51.100.1");
    private static readonly IPAddress s_bob = IPAddress.Parse("198.51.100.2");

    [Fact]
    public void NoLimits_CountsEveryone()
    {
        var limiter = new ConnectionLimiter();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(limiter.TryAcquire(s_alice));
        }

        Assert.Equal(1000, limiter.Count);
    }

    [Fact]
    public void OverallLimit_RefusesTheOneOver_AndAdmitsAgainAfterARelease()
    {
        var limiter = new ConnectionLimiter(maxConnections: 2);
        Assert.Null(limiter.TryAcquire(s_alice));
        Assert.Null(limiter.TryAcquire(s_bob));

        Assert.Equal("too many connections", limiter.TryAcquire(null));
        limiter.Release(s_alice);
        Assert.Null(limiter.TryAcquire(s_bob));
        Assert.Equal(2, limiter.Count);
    }

    [Fact]
    public void PerAddressLimit_HoldsOneAddress_NotTheOthers()
    {
        var limiter = new ConnectionLimiter(maxConnectionsPerAddress: 2);
        Assert.Null(limiter.TryAcquire(s_alice));
        Assert.Null(limiter.TryAcquire(s_alice));

        Assert.Equal("too many connections from your address", limiter.TryAcquire(s_alice));
        Assert.Null(limiter.TryAcquire(s_bob));
        Assert.Equal(2, limiter.CountOf(s_alice));
        Assert.Equal(1, limiter.CountOf(s_bob));
    }

    [Fact]
    public void PerAddressLimit_ARefusalCountsNothing()
    {
        var limiter = new ConnectionLimiter(maxConnections: 10, maxConnectionsPerAddress: 1);
        Assert.Null(limiter.TryAcquire(s_alice));
        Assert.NotNull(limiter.TryAcquire(s_alice));
        Assert.NotNull(limiter.TryAcquire(s_alice));

        Assert.Equal(1, limiter.Count);
        Assert.Equal(1, limiter.CountOf(s_alice));
    }

    [Fact]
    public void PerAddressLimit_IPv4MappedAddressesAreTheSameClient()
    {
        var limiter = new ConnectionLimiter(maxConnectionsPerAddress: 1);
        Assert.Null(limiter.TryAcquire(s_alice));

        Assert.NotNull(limiter.TryAcquire(s_alice.MapToIPv6()));
        limiter.Release(s_alice.MapToIPv6());
        Assert.Equal(0, limiter.CountOf(s_alice));
    }

    [Fact]
    public void UnknownAddress_OnlyTheOverallLimitApplies()
    {
        var limiter = new ConnectionLimiter(maxConnections: 3, maxConnectionsPerAddress: 1);
        Assert.Null(limiter.TryAcquire(null));
        Assert.Null(limiter.TryAcquire(null));
        Assert.Null(limiter.TryAcquire(null));

        Assert.Equal("too many connections", limiter.TryAcquire(null));
    }

    [Fact]
    public void ReleasingEveryConnection_ForgetsTheAddresses()
    {
        var limiter = new ConnectionLimiter(maxConnectionsPerAddress: 5);
        Parallel.For(0, 10_000, i =>
        {
            var address = i % 2 == 0 ? s_alice : s_bob;
            if (limiter.TryAcquire(address) is null)
            {
                limiter.Release(address);
            }
        });

        Assert.Equal(0, limiter.Count);
        Assert.Equal(0, limiter.CountOf(s_alice));
        Assert.Equal(0, limiter.CountOf(s_bob));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, null)]
    [InlineData(null, 0)]
    public void NonPositiveLimits_AreRejected(int? overall, int? perAddress) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionLimiter(overall, perAddress));
}
