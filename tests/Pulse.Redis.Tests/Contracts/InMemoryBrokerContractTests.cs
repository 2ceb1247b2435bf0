using Pulse.Hub.Engines;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The broker contract against <see cref="InMemoryBroker"/>.</summary>
public sealed class InMemoryBrokerContractTests : BrokerContract
{
    protected override Task<(IBroker Broker, IAsyncDisposable? Owner)> StartAsync(IBrokerHandler handler)
    {
        var broker = new InMemoryBroker();
        broker.SetHandler(handler);
        return Task.FromResult<(IBroker, IAsyncDisposable?)>((broker, null));
    }
}
