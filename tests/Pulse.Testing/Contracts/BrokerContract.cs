using System.Text;
using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;
using Xunit;

namespace Pulse.Testing.Contracts;

/// <summary>
/// What every <see cref="IBroker"/> promises the hub, run against each engine by a class deriving from this one:
/// offsets in order in one epoch, delivery once and in order to a subscribed node only, history bounded by size
/// and age, reads after a position, join/leave. Each case gets a fresh broker.
/// </summary>
public abstract class BrokerContract : IAsyncLifetime
{
    private static readonly HistoryLimits s_history = new(100, 60_000);
    private IAsyncDisposable? _engine;

    protected IBroker Broker { get; private set; } = null!;

    protected RecordingBrokerHandler Seen { get; } = new();

    /// <summary>Starts a broker (reachable, its handler set to <paramref name="handler"/>) and what must be disposed with it.</summary>
    protected abstract Task<(IBroker Broker, IAsyncDisposable? Owner)> StartAsync(IBrokerHandler handler);

    public async Task InitializeAsync() => (Broker, _engine) = await StartAsync(Seen).DefaultTimeout();

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }

    protected static PublishData Data(string json, long? timestamp = null) =>
        new(Encoding.UTF8.GetBytes(json), "alice", "client-1", timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), false);

    [Fact]
    public async Task Publish_OffsetsCountFromOneInOneEpoch_DeliveredOnceInOrder()
    {
        await Broker.SubscribeAsync("room").DefaultTimeout();
        var positions = new List<StreamPosition>();
        for (var i = 1; i <= 20; i++)
        {
            positions.Add(await Broker.PublishAsync("room", Data($"{i}"), s_history).DefaultTimeout());
        }

        var delivered = await Seen.NextAsync(20);

        Assert.Single(positions.Select(p => p.Epoch).Distinct());
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), positions.Select(p => p.Offset));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"room {i} {i}"), delivered);
        Assert.False(Seen.OverlapSeen);
    }

    [Fact]
    public async Task ConcurrentPublishes_EachGetsItsOwnOffset_DeliveredInOffsetOrder()
    {
        await Broker.SubscribeAsync("busy").DefaultTimeout();
        var positions = await Task.WhenAll(Enumerable.Range(1, 100).Select(i => Task.Run(() => Broker.PublishAsync("busy", Data($"{i}"), s_history)))).DefaultTimeout();

        var delivered = await Seen.NextAsync(100);

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), positions.Select(p => p.Offset).Order());
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), delivered.Select(d => long.Parse(d.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(Seen.OverlapSeen);
    }

    [Fact]
    public async Task NotSubscribed_NothingDelivered_UnsubscribedStopsDelivery()
    {
        await Broker.PublishAsync("quiet", Data("1"), s_history).DefaultTimeout();
        await Broker.SubscribeAsync("quiet").DefaultTimeout();
        await Broker.PublishAsync("quiet", Data("2"), s_history).DefaultTimeout();
        var whileSubscribed = await Seen.NextAsync(1);
        await Broker.UnsubscribeAsync("quiet").DefaultTimeout();
        await Broker.PublishAsync("quiet", Data("3"), s_history).DefaultTimeout();

        // A marker on another channel: once it arrives, anything of "quiet" would have arrived before it.
        await Broker.SubscribeAsync("marker").DefaultTimeout();
        await Broker.PublishAsync("marker", Data("0"), s_history).DefaultTimeout();

        Assert.Equal(["quiet 2 2"], whileSubscribed);
        Assert.Equal(["marker 1 0"], await Seen.NextAsync(1));
    }

    [Fact]
    public async Task History_BoundedBySize_TheOffsetKeepsCounting_NoneKeptStillCounts()
    {
        var small = new HistoryLimits(3, 60_000);
        for (var i = 1; i <= 10; i++)
        {
            await Broker.PublishAsync("ticker", Data($"{i}"), small).DefaultTimeout();
        }

        var none = new HistoryLimits(0, 60_000);
        var unkept = await Broker.PublishAsync("nohistory", Data("1"), none).DefaultTimeout();
        var read = await Broker.ReadHistoryAsync("ticker", null, 100, small).DefaultTimeout();
        var empty = await Broker.ReadHistoryAsync("nohistory", null, 100, none).DefaultTimeout();

        Assert.Equal([8L, 9, 10], read.Publications.Select(p => p.Offset));
        Assert.Equal(10, read.Latest.Offset);
        Assert.Equal("alice", read.Publications[0].User);
        Assert.Equal(1, unkept.Offset);
        Assert.Empty(empty.Publications);
        Assert.Equal(unkept, empty.Latest);
    }

    [Fact]
    public async Task History_OlderThanItsTtl_IsNotHistory_ButTheOffsetStands()
    {
        var limits = new HistoryLimits(100, 5_000);
        var old = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        await Broker.PublishAsync("aging", Data("\"old\"", old), limits).DefaultTimeout();
        await Broker.PublishAsync("aging", Data("\"new\""), limits).DefaultTimeout();

        var read = await Broker.ReadHistoryAsync("aging", null, 100, limits).DefaultTimeout();

        Assert.Equal([2L], read.Publications.Select(p => p.Offset));
        Assert.Equal(2, read.Latest.Offset);
    }

    [Fact]
    public async Task History_AfterAPosition_WithALimit_NoneFromAnotherEpoch_LimitZeroGivesTheLatestOnly()
    {
        var positions = new List<StreamPosition>();
        for (var i = 1; i <= 8; i++)
        {
            positions.Add(await Broker.PublishAsync("log", Data($"{i}"), s_history).DefaultTimeout());
        }

        var sinceFive = await Broker.ReadHistoryAsync("log", positions[4], 2, s_history).DefaultTimeout();
        var sinceLatest = await Broker.ReadHistoryAsync("log", positions[^1], 10, s_history).DefaultTimeout();
        var otherEpoch = await Broker.ReadHistoryAsync("log", new StreamPosition("not-this-one", 3), 10, s_history).DefaultTimeout();
        var latestOnly = await Broker.ReadHistoryAsync("log", null, 0, s_history).DefaultTimeout();

        Assert.Equal([6L, 7], sinceFive.Publications.Select(p => p.Offset));
        Assert.Empty(sinceLatest.Publications);
        Assert.Empty(otherEpoch.Publications);
        Assert.Equal(positions[^1], otherEpoch.Latest);
        Assert.Empty(latestOnly.Publications);
        Assert.Equal(positions[^1], latestOnly.Latest);
    }

    [Fact]
    public async Task AChannelReadBeforeItsFirstPublication_KeepsItsEpoch_TheFirstOffsetIsOne()
    {
        var before = await Broker.ReadHistoryAsync("fresh", null, 10, s_history).DefaultTimeout();
        var first = await Broker.PublishAsync("fresh", Data("1"), s_history).DefaultTimeout();
        var recovered = await Broker.ReadHistoryAsync("fresh", before.Latest, 10, s_history).DefaultTimeout();

        Assert.Equal(0, before.Latest.Offset);
        Assert.Equal(before.Latest.Epoch, first.Epoch);
        Assert.Equal(1, first.Offset);
        Assert.Equal([1L], recovered.Publications.Select(p => p.Offset));
    }

    [Fact]
    public async Task JoinAndLeave_ReachASubscribedNode()
    {
        await Broker.SubscribeAsync("lobby").DefaultTimeout();
        await Broker.PublishJoinLeaveAsync("lobby", true, new ClientInfo("c1", "alice")).DefaultTimeout();
        await Broker.PublishJoinLeaveAsync("lobby", false, new ClientInfo("c1", "alice")).DefaultTimeout();

        Assert.Equal(["lobby join c1", "lobby leave c1"], await Seen.NextAsync(2));
    }
}
