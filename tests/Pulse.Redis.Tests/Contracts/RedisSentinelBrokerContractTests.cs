using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The broker contract against the Redis engine finding its primary through Sentinel (<c>serviceName=</c>).</summary>
public sealed class RedisSentinelBrokerContractTests(RedisSentinelFixture sentinel) : BrokerContract, IClassFixture<RedisSentinelFixture>
{
    protected override async Task<(IBroker Broker, IAsyncDisposable? Owner)> StartAsync(IBrokerHandler handler)
    {
        var engine = new RedisEngine(new RedisEngineOptions { Configuration = sentinel.Group.Configuration, Prefix = $"t{Guid.NewGuid():N}"[..12] });
        engine.SetHandler(handler);
        engine.Start();
        await engine.WaitReachableAsync().DefaultTimeout();
        return (engine, engine);
    }
}
