using Pulse.Hub.Engines;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The broker contract against the Redis engine on one redis-server.</summary>
public sealed class RedisBrokerContractTests : BrokerContract
{
    protected override async Task<(IBroker Broker, IAsyncDisposable? Owner)> StartAsync(IBrokerHandler handler)
    {
        var engines = await RedisEngines.StartAsync(handler);
        return (engines.Engine, engines);
    }
}
