using Pulse.Hub.Engines;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>The presence contract against <see cref="InMemoryPresenceStore"/>.</summary>
public sealed class InMemoryPresenceStoreContractTests : PresenceStoreContract
{
    protected override Task<(IPresenceStore Store, IAsyncDisposable? Owner)> StartAsync() =>
        Task.FromResult<(IPresenceStore, IAsyncDisposable?)>((new InMemoryPresenceStore(), null));
}
