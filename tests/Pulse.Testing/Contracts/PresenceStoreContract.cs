using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;
using Xunit;

namespace Pulse.Testing.Contracts;

/// <summary>
/// What every <see cref="IPresenceStore"/> promises, run against each engine by a class deriving from this one:
/// add, refresh, remove, expiry, and an add overlapping a remove of the same channel. Each case gets a fresh store.
/// </summary>
public abstract class PresenceStoreContract : IAsyncLifetime
{
    private IAsyncDisposable? _engine;

    protected IPresenceStore Store { get; private set; } = null!;

    /// <summary>Starts a store (reachable) and what must be disposed with it.</summary>
    protected abstract Task<(IPresenceStore Store, IAsyncDisposable? Owner)> StartAsync();

    public async Task InitializeAsync() => (Store, _engine) = await StartAsync().DefaultTimeout();

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task Add_Get_Remove_RemovingAnAbsentClientDoesNothing()
    {
        await Store.AddAsync("room", new ClientInfo("c1", "alice"), TimeSpan.FromMinutes(1)).DefaultTimeout();
        await Store.AddAsync("room", new ClientInfo("c2", "bob"), TimeSpan.FromMinutes(1)).DefaultTimeout();
        await Store.AddAsync("room", new ClientInfo("c2", "bob"), TimeSpan.FromMinutes(1)).DefaultTimeout(); // a refresh
        var both = await Store.GetAsync("room").DefaultTimeout();
        await Store.RemoveAsync("room", "c1").DefaultTimeout();
        await Store.RemoveAsync("room", "nobody").DefaultTimeout();
        await Store.RemoveAsync("elsewhere", "c1").DefaultTimeout();
        var left = await Store.GetAsync("room").DefaultTimeout();
        var none = await Store.GetAsync("empty").DefaultTimeout();

        Assert.Equal(["c1", "c2"], both.Select(c => c.Client).Order(StringComparer.Ordinal));
        Assert.Equal([new ClientInfo("c2", "bob")], left);
        Assert.Empty(none);
    }

    [Fact]
    public async Task AnEntryNotRefreshed_Expires_TheOthersStay_ARefreshKeepsIt()
    {
        await Store.AddAsync("room", new ClientInfo("stays", "alice"), TimeSpan.FromMinutes(1)).DefaultTimeout();
        await Store.AddAsync("room", new ClientInfo("refreshed", "bob"), TimeSpan.FromMilliseconds(1)).DefaultTimeout();
        await Store.AddAsync("room", new ClientInfo("refreshed", "bob"), TimeSpan.FromMinutes(1)).DefaultTimeout();
        await Store.AddAsync("room", new ClientInfo("goes", "carol"), TimeSpan.FromMilliseconds(1)).DefaultTimeout();

        // Bounded by the test's deadline: the entry goes within its TTL of a millisecond (and clock granularity).
        var present = await Store.GetAsync("room").DefaultTimeout();
        while (present.Any(c => c.Client == "goes"))
        {
            await Task.Delay(10);
            present = await Store.GetAsync("room").DefaultTimeout();
        }

        Assert.Equal(["refreshed", "stays"], present.Select(c => c.Client).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnAddOverlappingTheRemoveThatEmptiesTheChannel_IsNeverLost()
    {
        // Two threads in lockstep, channel by channel: one removes the channel's only client (emptying it) while
        // the other adds a client to it. Whichever runs first, the added client must be present afterwards.
        const int rounds = 1000;
        for (var i = 0; i < rounds; i++)
        {
            await Store.AddAsync($"race:{i}", new ClientInfo("leaving", "alice"), TimeSpan.FromMinutes(1)).DefaultTimeout();
        }

        using var lockstep = new Barrier(2);
        void Run(Func<int, Task> step)
        {
            for (var i = 0; i < rounds; i++)
            {
                lockstep.SignalAndWait(TestTimeouts.Default);
                step(i).Wait(TestTimeouts.Default);
            }
        }

        var removing = Task.Factory.StartNew(() => Run(i => Store.RemoveAsync($"race:{i}", "leaving")), TaskCreationOptions.LongRunning);
        var adding = Task.Factory.StartNew(() => Run(i => Store.AddAsync($"race:{i}", new ClientInfo("joining", "bob"), TimeSpan.FromMinutes(1))), TaskCreationOptions.LongRunning);
        await Task.WhenAll(removing, adding).DefaultTimeout();

        var lost = new List<int>();
        for (var i = 0; i < rounds; i++)
        {
            var present = await Store.GetAsync($"race:{i}").DefaultTimeout();
            if (!present.Select(c => c.Client).SequenceEqual(["joining"]))
            {
                lost.Add(i);
            }
        }

        Assert.Empty(lost);
    }
}
