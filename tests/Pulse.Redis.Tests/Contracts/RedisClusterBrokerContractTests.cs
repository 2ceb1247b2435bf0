using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The broker contract against the Redis engine on a three-primary Redis Cluster (sharded Pub/Sub).</summary>
public sealed class RedisClusterBrokerContractTests(RedisClusterFixture cluster) : BrokerContract, IClassFixture<RedisClusterFixture>
{
    protected override async Task<(IBroker Broker, IAsyncDisposable? Owner)> StartAsync(IBrokerHandler handler)
    {
        // One cluster for the class, a fresh prefix per case: no case sees another's keys.
        var engine = new RedisEngine(new RedisEngineOptions { Configuration = cluster.Cluster.Configuration, Prefix = $"t{Guid.NewGuid():N}"[..12] });
        engine.SetHandler(handler);
        engine.Start();
        await engine.WaitReachableAsync().DefaultTimeout();
        Assert.True(engine.IsCluster);
        return (engine, engine);
    }
}
