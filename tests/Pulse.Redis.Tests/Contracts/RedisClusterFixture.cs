namespace Pulse.Redis.Tests.Contracts;

/// <summary>One three-primary Redis Cluster shared by a test class's cases (starting one takes a few seconds).</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    internal RedisCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
