using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The presence contract against the Redis engine finding its primary through Sentinel.</summary>
public sealed class RedisSentinelPresenceStoreContractTests(RedisSentinelFixture sentinel) : PresenceStoreContract, IClassFixture<RedisSentinelFixture>
{
    protected override async Task<(IPresenceStore Store, IAsyncDisposable? Owner)> StartAsync()
    {
        var engine = new RedisEngine(new RedisEngineOptions { Configuration = sentinel.Group.Configuration, Prefix = $"t{Guid.NewGuid():N}"[..12] });
        engine.Start();
        await engine.WaitReachableAsync().DefaultTimeout();
        return (engine, engine);
    }
}
