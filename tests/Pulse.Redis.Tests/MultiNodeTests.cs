using System.Text;
using System.Threading.Channels;
using Pulse.Hub.Client;
using Pulse.Testing;

namespace Pulse.Redis.Tests;

/// <summary>
/// Three real <c>pulse serve</c> processes on one real redis-server, with the C# hub client: they act as one
/// service, and survive a node dying and Redis restarting.
/// </summary>
public sealed class MultiNodeTests
{
    private static HubClientOptions ClientOptions(string? user = null) => new()
    {
        Token = user is null ? null : new Pulse.Hub.Hosting.HubTokens(PulseNode.TokenSecret).Create(user),
        WebSocket = new Pulse.ClientOptions { ReconnectInitialDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromMilliseconds(500) },
    };

    [Fact]
    public async Task ThreeNodes_PublishOnA_ReachesBAndCOnceInOrder_PresenceSpans_InfoListsNodes_DisconnectReachesEveryNode()
    {
        await using var redis = await RedisServer.StartAsync();
        await PublishPresenceInfoDisconnectAsync(redis.Address);
    }

    [Fact]
    public async Task ThreeNodesOnARedisCluster_PublishOnA_ReachesBAndCOnceInOrder_PresenceSpans_InfoListsNodes_DisconnectReachesEveryNode()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await PublishPresenceInfoDisconnectAsync(cluster.Configuration);
    }

    private static async Task PublishPresenceInfoDisconnectAsync(string redis)
    {
        var nodes = await PulseNode.StartManyAsync(3, redis);
        try
        {
            var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
            await using var onB = await HubClient.ConnectAsync(b.HubUri, ClientOptions("bob")).DefaultTimeout();
            await using var onC = await HubClient.ConnectAsync(c.HubUri, ClientOptions("carol")).DefaultTimeout();
            var seenOnB = Channel.CreateUnbounded<string>();
            var seenOnC = Channel.CreateUnbounded<string>();
            await onB.SubscribeAsync("scores", m => seenOnB.Writer.WriteAsync($"{m.Offset}={Encoding.UTF8.GetString(m.Data.Span)}")).DefaultTimeout();
            await onC.SubscribeAsync("scores", m => seenOnC.Writer.WriteAsync($"{m.Offset}={Encoding.UTF8.GetString(m.Data.Span)}")).DefaultTimeout();

            for (var i = 1; i <= 10; i++)
            {
                await a.PublishAsync("scores", i).DefaultTimeout();
            }

            var onBReceived = await ReadAsync(seenOnB, 10);
            var onCReceived = await ReadAsync(seenOnC, 10);
            var presence = await onB.PresenceAsync("scores").DefaultTimeout();
            var presenceFromA = await a.ApiAsync(HttpMethod.Get, "api/presence/scores").DefaultTimeout();
            var info = await a.ApiAsync(HttpMethod.Get, "api/info").DefaultTimeout();
            while (info.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("address").ValueKind == System.Text.Json.JsonValueKind.Null))
            {
                // A node announces its address once it listens: wait for that announcement.
                await Task.Delay(50);
                info = await a.ApiAsync(HttpMethod.Get, "api/info").DefaultTimeout();
            }

            var closedOnC = new TaskCompletionSource<CloseCode>(TaskCreationOptions.RunContinuationsAsynchronously);
            onC.Disconnected += (_, e) => closedOnC.TrySetResult(e.Code);
            var disconnect = await a.ApiAsync(HttpMethod.Post, "api/disconnect", new { user = "carol" }).DefaultTimeout();

            var expected = Enumerable.Range(1, 10).Select(i => $"{i}={i}");
            Assert.Equal(expected, onBReceived);
            Assert.Equal(expected, onCReceived);
            Assert.False(seenOnB.Reader.TryRead(out _)); // once each
            Assert.Equal(new[] { onB.ClientId, onC.ClientId }.Order(StringComparer.Ordinal), presence.Select(p => p.Client).Order(StringComparer.Ordinal));
            Assert.Equal(2, presenceFromA.GetProperty("clients").GetArrayLength());
            Assert.Equal(3, info.GetProperty("nodes").GetArrayLength());
            Assert.Contains(info.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("address").GetString() == c.HttpUri.ToString());
            Assert.Equal(2, disconnect.GetProperty("otherNodes").GetInt32());
            Assert.Equal(CloseCode.PolicyViolation, await closedOnC.Task.DefaultTimeout());
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task NodeKilledMidStream_ItsClientReconnectsToAnotherNode_AndRecoversWithNoGapOrDuplicate()
    {
        await using var redis = await RedisServer.StartAsync();
        await NodeKilledMidStreamAsync(redis.Address);
    }

    [Fact]
    public async Task OnARedisCluster_NodeKilledMidStream_ItsClientReconnectsToAnotherNode_AndRecoversWithNoGapOrDuplicate()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await NodeKilledMidStreamAsync(cluster.Configuration);
    }

    private static async Task NodeKilledMidStreamAsync(string redis)
    {
        var nodes = await PulseNode.StartManyAsync(3, redis);
        try
        {
            var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
            await using var balancer = new TcpBalancer(a.Port, b.Port);
            await using var client = await HubClient.ConnectAsync(new Uri($"ws://127.0.0.1:{balancer.Port}/ws"), ClientOptions()).DefaultTimeout();
            var seen = Channel.CreateUnbounded<HubMessage>();
            var recoveryFailed = 0;
            var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.Connected += (_, e) =>
            {
                if (e.IsReconnect)
                {
                    reconnected.TrySetResult();
                }
            };
            await client.SubscribeAsync("orders", m => seen.Writer.WriteAsync(m), new SubscribeOptions
            {
                OnRecoveryFailed = _ =>
                {
                    Interlocked.Increment(ref recoveryFailed);
                    return ValueTask.CompletedTask;
                },
            }).DefaultTimeout();
            var firstConnections = (await a.ApiAsync(HttpMethod.Get, "api/info")).GetProperty("connections").GetInt32();

            // Published on C throughout; A dies a third of the way in, while the client is connected to it.
            for (var i = 1; i <= 30; i++)
            {
                if (i == 11)
                {
                    a.Kill();
                }

                await c.PublishAsync("orders", i).DefaultTimeout();
            }

            await reconnected.Task.DefaultTimeout();
            var received = new List<HubMessage>();
            for (var i = 0; i < 30; i++)
            {
                received.Add(await seen.Reader.ReadAsync().AsTask().DefaultTimeout());
            }

            var onB = (await b.ApiAsync(HttpMethod.Get, "api/info")).GetProperty("connections").GetInt32();

            Assert.Equal(1, firstConnections);
            Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), received.Select(m => m.Offset));
            Assert.Equal(Enumerable.Range(1, 30).Select(i => $"{i}"), received.Select(m => Encoding.UTF8.GetString(m.Data.Span)));
            Assert.Single(received.Select(m => m.Position.Epoch).Distinct());
            Assert.Contains(received, m => m.IsRecovered); // some came from history through B
            Assert.Equal(0, recoveryFailed);
            Assert.Equal(1, onB);
            Assert.False(seen.Reader.TryRead(out _));
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task RedisRestartedMidStream_NodesKeepConnections_NotReadyThenReady_ClientsAreToldTheStreamStartedOver()
    {
        await using var redis = await RedisServer.StartAsync();
        var nodes = await PulseNode.StartManyAsync(3, redis);
        try
        {
            var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
            await using var onB = await HubClient.ConnectAsync(b.HubUri, ClientOptions()).DefaultTimeout();
            await using var onC = await HubClient.ConnectAsync(c.HubUri, ClientOptions()).DefaultTimeout();
            var disconnects = 0;
            onB.Disconnected += (_, _) => Interlocked.Increment(ref disconnects);
            onC.Disconnected += (_, _) => Interlocked.Increment(ref disconnects);
            var seenOnB = Channel.CreateUnbounded<string>();
            var seenOnC = Channel.CreateUnbounded<string>();
            SubscribeOptions Told(Channel<string> seen) => new()
            {
                OnRecoveryFailed = failed => seen.Writer.WriteAsync($"started over after {failed.Since?.Offset}"),
            };
            await onB.SubscribeAsync("ticks", m => seenOnB.Writer.WriteAsync($"{m.Offset}={Encoding.UTF8.GetString(m.Data.Span)}"), Told(seenOnB)).DefaultTimeout();
            await onC.SubscribeAsync("ticks", m => seenOnC.Writer.WriteAsync($"{m.Offset}={Encoding.UTF8.GetString(m.Data.Span)}"), Told(seenOnC)).DefaultTimeout();
            for (var i = 1; i <= 5; i++)
            {
                await a.PublishAsync("ticks", $"before {i}").DefaultTimeout();
            }

            await ReadAsync(seenOnB, 5);
            redis.Kill();
            await Task.WhenAll(nodes.Select(node => node.WaitReadyAsync(ready: false))).DefaultTimeout();
            var notReady = await a.ReadyAsync().DefaultTimeout();
            var publishWhileDown = await Assert.ThrowsAsync<HttpRequestException>(() => a.PublishAsync("ticks", "lost")).DefaultTimeout();
            var clientPublishWhileDown = await Assert.ThrowsAsync<HubErrorException>(() => onB.PublishAsync("ticks", "lost too")).DefaultTimeout();

            await redis.RestartAsync();
            await Task.WhenAll(nodes.Select(node => node.WaitReadyAsync())).DefaultTimeout();
            for (var i = 1; i <= 5; i++)
            {
                await a.PublishAsync("ticks", $"after {i}").DefaultTimeout();
            }

            var onBReceived = await ReadAsync(seenOnB, 6);
            var onCReceived = await ReadAsync(seenOnC, 11);

            Assert.Equal(503, notReady.Status);
            Assert.Contains($"not ready: Redis", notReady.Body, StringComparison.Ordinal);
            Assert.Contains(redis.Address, notReady.Body, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, publishWhileDown.StatusCode);
            Assert.True(clientPublishWhileDown.IsTemporary);
            Assert.Equal(0, disconnects); // the nodes kept their connections
            var afterRestart = new[] { "started over after 5" }.Concat(Enumerable.Range(1, 5).Select(i => $"{i}=\"after {i}\""));
            Assert.Equal(afterRestart, onBReceived);
            Assert.Equal(Enumerable.Range(1, 5).Select(i => $"{i}=\"before {i}\"").Concat(afterRestart), onCReceived);
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    private static async Task<string[]> ReadAsync(Channel<string> channel, int count)
    {
        var items = new string[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = await channel.Reader.ReadAsync().AsTask().DefaultTimeout();
        }

        return items;
    }

    private static async Task DisposeAllAsync(PulseNode[] nodes)
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
