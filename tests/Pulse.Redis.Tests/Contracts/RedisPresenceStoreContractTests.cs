using Pulse.Hub.Engines;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The presence contract against the Redis engine on one redis-server.</summary>
public sealed class RedisPresenceStoreContractTests : PresenceStoreContract
{
    protected override async Task<(IPresenceStore Store, IAsyncDisposable? Owner)> StartAsync()
    {
        var engines = await RedisEngines.StartAsync();
        return (engines.Engine, engines);
    }
}
