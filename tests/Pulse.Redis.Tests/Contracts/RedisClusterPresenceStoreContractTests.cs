using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The presence contract against the Redis engine on a three-primary Redis Cluster.</summary>
public sealed class RedisClusterPresenceStoreContractTests(RedisClusterFixture cluster) : PresenceStoreContract, IClassFixture<RedisClusterFixture>
{
    protected override async Task<(IPresenceStore Store, IAsyncDisposable? Owner)> StartAsync()
    {
        var engine = new RedisEngine(new RedisEngineOptions { Configuration = cluster.Cluster.Configuration, Prefix = $"t{Guid.NewGuid():N}"[..12] });
        engine.Start();
        await engine.WaitReachableAsync().DefaultTimeout();
        return (engine, engine);
    }
}
