using System.Text;
using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using StackExchange.Redis;
using ClientInfo = Pulse.Hub.Protocol.ClientInfo;
using StreamPosition = Pulse.Hub.Protocol.StreamPosition;

namespace Pulse.Redis.Tests;

/// <summary>Two engines (two nodes) on one real redis-server: publications, history, epochs, presence, node registry, control, restarts.</summary>
public sealed class RedisEngineTests
{
    private static readonly HistoryLimits s_history = new(100, 60_000);

    private static async Task<(RedisEngine Engine, RecordingHandler Handler)> StartNodeAsync(RedisServer server, string id)
    {
        var options = new RedisEngineOptions
        {
            Configuration = server.Address,
            NodeId = id,
            NodeHeartbeat = TimeSpan.FromMilliseconds(200),
            ConfigureRedis = redis => redis.ReconnectRetryPolicy = new ExponentialRetry(20, 200),
        };
        var engine = new RedisEngine(options);
        var handler = new RecordingHandler();
        engine.SetHandler((IBrokerHandler)handler);
        engine.SetHandler((IClusterHandler)handler);
        engine.Start();
        await engine.WaitReachableAsync().DefaultTimeout();
        return (engine, handler);
    }

    private static PublishData Data(string json) => new(Encoding.UTF8.GetBytes(json), "alice", "client-1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), false);

    [Fact]
    public async Task PublishOnA_ReachesB_InOrderOnce_WithOneEpochAndOffsetsForBoth()
    {
        await using var server = await RedisServer.StartAsync();
        var (a, _) = await StartNodeAsync(server, "a");
        var (b, bSeen) = await StartNodeAsync(server, "b");
        await using (a)
        await using (b)
        {
            await b.SubscribeAsync("room").DefaultTimeout();
            var positions = new List<StreamPosition>();
            for (var i = 1; i <= 20; i++)
            {
                positions.Add(await (i % 2 == 0 ? a : b).PublishAsync("room", Data($"{i}"), s_history).DefaultTimeout());
            }

            var delivered = await bSeen.NextAsync(20).DefaultTimeout();
            var fromA = await a.ReadHistoryAsync("room", null, 100, s_history).DefaultTimeout();
            var sinceFive = await b.ReadHistoryAsync("room", positions[4], 3, s_history).DefaultTimeout();
            var otherEpoch = await b.ReadHistoryAsync("room", new StreamPosition("not-this-one", 3), 10, s_history).DefaultTimeout();

            Assert.Equal(Enumerable.Range(1, 20).Select(i => $"room {i} {i}"), delivered);
            Assert.Single(positions.Select(p => p.Epoch).Distinct());
            Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), positions.Select(p => p.Offset));
            Assert.Equal(positions[^1], fromA.Latest);
            Assert.Equal(20, fromA.Publications.Count);
            Assert.Equal("alice", fromA.Publications[0].User);
            Assert.Equal([6L, 7, 8], sinceFive.Publications.Select(p => p.Offset));
            Assert.Empty(otherEpoch.Publications);
            Assert.False(bSeen.TryNext(out _)); // once: nothing more arrived
            Assert.False(bSeen.OverlapSeen);
        }
    }

    [Fact]
    public async Task History_IsBoundedBySize_AndTheOffsetKeepsCounting()
    {
        await using var server = await RedisServer.StartAsync();
        var (a, _) = await StartNodeAsync(server, "a");
        await using (a)
        {
            var small = new HistoryLimits(3, 60_000);
            for (var i = 1; i <= 10; i++)
            {
                await a.PublishAsync("ticker", Data($"{i}"), small).DefaultTimeout();
            }

            var none = new HistoryLimits(0, 60_000);
            var unkept = await a.PublishAsync("nohistory", Data("1"), none).DefaultTimeout();
            var read = await a.ReadHistoryAsync("ticker", null, 100, small).DefaultTimeout();
            var empty = await a.ReadHistoryAsync("nohistory", null, 100, none).DefaultTimeout();

            Assert.Equal([8L, 9, 10], read.Publications.Select(p => p.Offset));
            Assert.Equal(10, read.Latest.Offset);
            Assert.Equal(1, unkept.Offset);
            Assert.Empty(empty.Publications);
            Assert.Equal(unkept, empty.Latest);
        }
    }

    [Fact]
    public async Task Presence_SpansNodes_EntriesExpireUnlessRefreshed_JoinLeaveReachSubscribers()
    {
        await using var server = await RedisServer.StartAsync();
        var (a, aSeen) = await StartNodeAsync(server, "a");
        var (b, _) = await StartNodeAsync(server, "b");
        await using (a)
        await using (b)
        {
            await a.SubscribeAsync("lobby").DefaultTimeout();
            await a.AddAsync("lobby", new ClientInfo("c1", "alice"), TimeSpan.FromMinutes(1)).DefaultTimeout();
            await b.AddAsync("lobby", new ClientInfo("c2", "bob"), TimeSpan.FromMinutes(1)).DefaultTimeout();
            await b.AddAsync("lobby", new ClientInfo("c3", "carol"), TimeSpan.FromMinutes(1)).DefaultTimeout();
            await b.PublishJoinLeaveAsync("lobby", true, new ClientInfo("c2", "bob")).DefaultTimeout();
            var both = await a.GetAsync("lobby").DefaultTimeout();

            // carol's last refresh asks for a moment only, as when her node stopped refreshing.
            await b.AddAsync("lobby", new ClientInfo("c3", "carol"), TimeSpan.FromMilliseconds(1)).DefaultTimeout();

            // carol's entry was not refreshed: it goes on its own, as a dead node's clients do.
            while ((await a.GetAsync("lobby").DefaultTimeout()).Any(c => c.Client == "c3"))
            {
                await Task.Delay(50);
            }

            await a.RemoveAsync("lobby", "c1").DefaultTimeout();
            var left = await b.GetAsync("lobby").DefaultTimeout();

            Assert.Equal(["c1", "c2", "c3"], both.Select(c => c.Client).Order());
            Assert.Equal([new ClientInfo("c2", "bob")], left);
            Assert.Equal(["lobby join c2"], await aSeen.NextAsync(1).DefaultTimeout());
        }
    }

    [Fact]
    public async Task NodeRegistry_ListsLiveNodes_AndDisconnectReachesTheOthers()
    {
        await using var server = await RedisServer.StartAsync();
        var (a, aSeen) = await StartNodeAsync(server, "a");
        var (b, bSeen) = await StartNodeAsync(server, "b");
        await using (a)
        {
            await using (b)
            {
                b.Address = "http://127.0.0.1:1/";
                while ((await a.GetNodesAsync().DefaultTimeout()).FirstOrDefault(n => n.Id == "b")?.Address is null)
                {
                    await Task.Delay(50); // the address goes out with b's next heartbeat
                }

                var nodes = await a.GetNodesAsync().DefaultTimeout();
                var asked = await a.DisconnectUserAsync("mallory", Pulse.CloseCode.PolicyViolation, "banned").DefaultTimeout();
                while (bSeen.Disconnected.Count == 0)
                {
                    await Task.Delay(20);
                }

                Assert.Equal(["a", "b"], nodes.Select(n => n.Id));
                Assert.Equal(7, nodes[0].Connections);
                Assert.Equal(1, asked);
                Assert.Equal(["mallory 1008 banned"], bSeen.Disconnected);
                Assert.Empty(aSeen.Disconnected); // the asking node disconnects its own users itself
            }

            // b left: it is gone from the registry at once.
            Assert.Equal(["a"], (await a.GetNodesAsync().DefaultTimeout()).Select(n => n.Id));
        }
    }

    [Fact]
    public async Task PubSubConnectionsDropped_SubscribersCatchUpFromHistory_NoGapNoDuplicate()
    {
        await using var server = await RedisServer.StartAsync();
        var (a, _) = await StartNodeAsync(server, "a");
        var (b, bSeen) = await StartNodeAsync(server, "b");
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{server.Address},allowAdmin=true").DefaultTimeout();
        await using (a)
        await using (b)
        {
            await b.SubscribeAsync("feed").DefaultTimeout();
            for (var i = 1; i <= 3; i++)
            {
                await a.PublishAsync("feed", Data($"{i}"), s_history).DefaultTimeout();
            }

            // Redis drops every Pub/Sub connection; what is published before b is back comes from history.
            await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub").DefaultTimeout();
            for (var i = 4; i <= 8; i++)
            {
                await a.PublishAsync("feed", Data($"{i}"), s_history).DefaultTimeout();
            }

            var delivered = await bSeen.NextAsync(8).DefaultTimeout();
            await b.WaitReachableAsync().DefaultTimeout();
            await a.PublishAsync("feed", Data("9"), s_history).DefaultTimeout();

            Assert.Equal(Enumerable.Range(1, 8).Select(i => $"feed {i} {i}"), delivered);
            Assert.Equal(["feed 9 9"], await bSeen.NextAsync(1).DefaultTimeout());
            Assert.False(bSeen.TryNext(out _));
        }
    }

    [Fact]
    public async Task RedisRestart_UnreachableThenBack_NewEpochDelivered()
    {
        await using var server = await RedisServer.StartAsync();
        var (a, _) = await StartNodeAsync(server, "a");
        var (b, bSeen) = await StartNodeAsync(server, "b");
        await using (a)
        await using (b)
        {
            await b.SubscribeAsync("news").DefaultTimeout();
            var before = await a.PublishAsync("news", Data("1"), s_history).DefaultTimeout();
            await bSeen.NextAsync(1).DefaultTimeout();

            server.Kill();
            while (a.IsReachable || b.IsReachable)
            {
                await Task.Delay(20);
            }

            var problem = a.Problem;
            var failed = await Assert.ThrowsAnyAsync<RedisException>(() => a.PublishAsync("news", Data("lost"), s_history)).DefaultTimeout();
            await server.RestartAsync();
            await a.WaitReachableAsync().DefaultTimeout();
            await b.WaitReachableAsync().DefaultTimeout();
            var after = await a.PublishAsync("news", Data("2"), s_history).DefaultTimeout();
            var delivered = await bSeen.NextAsync(1).DefaultTimeout();
            var recovery = await b.ReadHistoryAsync("news", before, 10, s_history).DefaultTimeout();

            Assert.Contains(server.Address, problem, StringComparison.Ordinal);
            Assert.Contains(server.Address, failed.Message, StringComparison.Ordinal);
            Assert.NotEqual(before.Epoch, after.Epoch); // Redis lost the stream: the epoch says so
            Assert.Equal(1, after.Offset);
            Assert.Equal(["news 1 2"], delivered);
            Assert.Empty(recovery.Publications); // a reader from the old epoch is told it could not recover
            Assert.Equal(after, recovery.Latest);
        }
    }
}
