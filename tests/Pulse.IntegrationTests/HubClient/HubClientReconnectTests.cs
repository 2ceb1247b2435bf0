using Pulse.Hub.Client;
using Pulse.Hub.Client.Internal;
using Pulse.Hub.Hosting;
using Pulse.Hub.Protocol;
using Pulse.Testing;
using static Pulse.IntegrationTests.HubClientTests.HubClientTestKit;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>
/// Issue 5 §5: "on reconnect it resubscribes and recovers from the last offset it saw, so an application sees
/// every message once and in order, or is told that recovery failed."
/// </summary>
[Trait("Category", "HubClient")]
public sealed class HubClientReconnectTests
{
    [Theory]
    [EachHubProtocol]
    public async Task NetworkDrop_WhileAnotherClientPublishes_HandlerSeesEveryMessageOnceInOrder(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync();

        // The reconnection asks for a token first: holding it back keeps the client away while the others publish.
        var reconnectMayProceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokensAsked = 0;
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.TokenProvider = async cancellationToken =>
        {
            if (Interlocked.Increment(ref tokensAsked) == 2)
            {
                await reconnectMayProceed.Task.WaitAsync(cancellationToken);
            }

            return server.Tokens.Create("reader");
        }));
        await using var publisher = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var inbox = new Inbox();
        await using var news = await client.SubscribeAsync("news", inbox.Handler);
        for (var i = 1; i <= 5; i++)
        {
            await publisher.PublishAsync("news", new { n = i });
        }

        var beforeDrop = await inbox.TakeAsync(5);
        var disconnected = NextEventAsync<HubDisconnectedEventArgs>(h => client.Disconnected += h);
        var reconnected = NextEventAsync<HubConnectedEventArgs>(h => client.Connected += h);
        client.Socket!.Abort(); // the TCP connection ends without a close frame, as when a network drops
        var drop = await disconnected;
        for (var i = 6; i <= 10; i++)
        {
            await publisher.PublishAsync("news", new { n = i });
        }

        reconnectMayProceed.SetResult();
        var again = await reconnected;

        // Once the missed ones came through, the resubscription is done: what follows is live.
        var recovered = await inbox.TakeAsync(5);
        for (var i = 11; i <= 15; i++)
        {
            await publisher.PublishAsync("news", new { n = i });
        }

        var afterDrop = recovered.Concat(await inbox.TakeAsync(5)).ToList();

        Assert.Equal(CloseCode.AbnormalClosure, drop.Code);
        Assert.True(drop.WillReconnect);
        Assert.True(again.IsReconnect);
        Assert.Equal("reader", again.User);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), beforeDrop.Concat(afterDrop).Select(m => m.Offset));
        Assert.Equal(Enumerable.Range(1, 15), beforeDrop.Concat(afterDrop).Select(m => m.GetData<Number>()!.N));
        Assert.Equal([.. Enumerable.Repeat(true, 5), .. Enumerable.Repeat(false, 5)], afterDrop.Select(m => m.IsRecovered));
        Assert.Equal(15, news.Position!.Value.Offset);
        Assert.True(inbox.IsEmpty);
    }

    [Theory]
    [EachHubProtocol]
    public async Task RepeatedDrops_DuringAStreamOfPublications_EveryOffsetOnceInOrder(HubProtocol protocol)
    {
        const int Count = 60;
        await using var server = await HubServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        await using var publisher = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var inbox = new Inbox();
        var recoveryFailed = false;
        await using var ticks = await client.SubscribeAsync("ticks", inbox.Handler, new SubscribeOptions
        {
            OnRecoveryFailed = _ =>
            {
                recoveryFailed = true;
                return ValueTask.CompletedTask;
            },
        });

        var publishing = Task.Run(async () =>
        {
            for (var i = 1; i <= Count; i++)
            {
                await publisher.PublishAsync("ticks", new { n = i });
            }
        });
        var seen = new List<HubMessage>();
        var drops = 0;
        while (seen.Count < Count)
        {
            seen.Add(await inbox.NextAsync());
            if (seen.Count is 15 or 35 && client.Socket is { } socket)
            {
                socket.Abort();
                drops++;
            }
        }

        await publishing.DefaultTimeout();

        Assert.Equal(2, drops);
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (long)i), seen.Select(m => m.Offset));
        Assert.False(recoveryFailed);
        Assert.Single(seen.Select(m => m.Position.Epoch).Distinct());
    }

    [Theory]
    [EachHubProtocol]
    public async Task HubRestart_HistoryLost_RecoveryFailedRaised_ThenLiveMessagesInTheNewEpoch(HubProtocol protocol)
    {
        var hub = await RestartableHub.StartAsync();
        var port = hub.Port;
        await using var client = await HubClient.ConnectAsync(hub.Uri, Options(protocol));
        var inbox = new Inbox();
        var recoveryFailed = new TaskCompletionSource<RecoveryFailedContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var news = await client.SubscribeAsync("news", inbox.Handler, new SubscribeOptions
        {
            OnRecoveryFailed = context =>
            {
                recoveryFailed.TrySetResult(context);
                return ValueTask.CompletedTask;
            },
        });
        for (var i = 1; i <= 3; i++)
        {
            await client.PublishAsync("news", new { n = i });
        }

        var beforeRestart = await inbox.TakeAsync(3);
        var disconnected = NextEventAsync<HubDisconnectedEventArgs>(h => client.Disconnected += h);
        await hub.DisposeAsync();
        var goingAway = await disconnected;
        await using var restarted = await RestartableHub.StartAsync(port);
        var failed = await recoveryFailed.Task.DefaultTimeout();
        var offset = await client.PublishAsync("news", new { n = 1 });
        var afterRestart = await inbox.NextAsync();

        var oldEpoch = beforeRestart[0].Position.Epoch;
        Assert.Equal(CloseCode.GoingAway, goingAway.Code);
        Assert.True(goingAway.WillReconnect);
        Assert.Equal("news", failed.Channel);
        Assert.Equal(new StreamPosition(oldEpoch, 3), failed.Since);
        Assert.NotEqual(oldEpoch, failed.Position.Epoch);
        Assert.Equal(0, failed.Position.Offset);
        Assert.Equal(1, offset);
        Assert.Equal(new StreamPosition(failed.Position.Epoch, 1), afterRestart.Position);
        Assert.False(afterRestart.IsRecovered);
    }

    [Theory]
    [EachHubProtocol]
    public async Task TokenProvider_AskedOnEveryConnection_AndTheHubKnowsTheUser(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync(o => o.AllowAnonymous = false);
        var tokensAsked = 0;
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.TokenProvider = _ =>
        {
            Interlocked.Increment(ref tokensAsked);
            return ValueTask.FromResult<string?>(server.Tokens.Create("alice"));
        }));
        await using var room = await client.SubscribeAsync("room", _ => ValueTask.CompletedTask);
        var firstId = client.ClientId;
        var before = await client.PresenceAsync("room");

        var reconnected = NextEventAsync<HubConnectedEventArgs>(h => client.Connected += h);
        client.Socket!.Abort();
        await reconnected;
        IReadOnlyList<ClientInfo> after = [];
        await WaitUntilAsync(async () => (after = await client.PresenceAsync("room")).Any(c => c.Client == client.ClientId), "the resubscription shows in presence");

        Assert.Equal(2, tokensAsked);
        Assert.Equal("alice", client.User);
        Assert.Equal((firstId, "alice"), (Assert.Single(before).Client, before[0].User));
        Assert.Contains(after, c => c.Client == client.ClientId && c.User == "alice");
        Assert.NotEqual(firstId, client.ClientId);
    }

    [Theory]
    [EachHubProtocol]
    public async Task ResubscribeRefusedAfterReconnect_OnFailedRaised_TheRestKeepsWorking(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync(o => o.Namespaces["private"] = new NamespaceOptions { Private = true });
        var tokensAsked = 0;
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.TokenProvider = _ =>
            ValueTask.FromResult<string?>(Interlocked.Increment(ref tokensAsked) == 1
                ? server.Tokens.Create("grace", ["private:*"])
                : server.Tokens.Create("grace")))); // the second token no longer allows the private channel
        var failed = new TaskCompletionSource<HubErrorException>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var board = await client.SubscribeAsync("private:board", _ => ValueTask.CompletedTask, new SubscribeOptions
        {
            OnFailed = error =>
            {
                failed.TrySetResult(error);
                return ValueTask.CompletedTask;
            },
        });
        var inbox = new Inbox();
        await using var lobby = await client.SubscribeAsync("lobby", inbox.Handler);

        client.Socket!.Abort();
        var refused = await failed.Task.DefaultTimeout();
        await client.PublishAsync("lobby", "still here");
        var message = await inbox.NextAsync();

        Assert.Equal(ErrorCode.PermissionDenied, refused.Code);
        Assert.Equal("still here", message.GetData<string>());
        Assert.Equal(HubClientState.Connected, client.State);
    }

    [Theory]
    [EachHubProtocol]
    public async Task TokenRefusedOnReconnection_ClientStopsForGood_AndSaysWhy(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync(o => o.AllowAnonymous = false);
        var tokensAsked = 0;
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.TokenProvider = _ =>
            ValueTask.FromResult<string?>(Interlocked.Increment(ref tokensAsked) == 1 ? server.Tokens.Create("erin") : "not-a-jwt")));
        var stopped = NextEventAsync<HubDisconnectedEventArgs>(h => client.Disconnected += h, args => args.Error is not null);

        client.Socket!.Abort();
        var why = await stopped;
        var afterwards = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PresenceAsync("room").DefaultTimeout());

        Assert.False(why.WillReconnect);
        Assert.Equal(ErrorCode.Unauthorized, Assert.IsType<HubErrorException>(why.Error).Code);
        Assert.Equal(HubClientState.Closed, client.State);
        Assert.IsType<HubErrorException>(afterwards.InnerException);
    }

    [Theory]
    [EachHubProtocol]
    public async Task NoToken_WhereTheHubWantsOne_RequestsRefused401_AndABadTokenFailsConnect(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync(o => o.AllowAnonymous = false);
        await using var anonymous = await HubClient.ConnectAsync(server.Uri(), Options(protocol));

        var refused = await Assert.ThrowsAsync<HubErrorException>(() => anonymous.SubscribeAsync("room", _ => ValueTask.CompletedTask).DefaultTimeout());
        var badToken = await Assert.ThrowsAsync<HubErrorException>(() => HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.Token = "not-a-jwt")).DefaultTimeout());

        Assert.Equal(ErrorCode.Unauthorized, refused.Code);
        Assert.Equal(ErrorCode.Unauthorized, badToken.Code);
    }

    [Theory]
    [EachHubProtocol]
    public async Task ServerDisconnectsTheUser_1008_ClientStopsForGood(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.Token = server.Tokens.Create("mallory")));
        var disconnected = NextEventAsync<HubDisconnectedEventArgs>(h => client.Disconnected += h);

        Assert.Equal(1, server.Node.DisconnectUser("mallory", CloseCode.PolicyViolation, "kicked"));
        var kicked = await disconnected;
        var afterwards = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PublishAsync("room", 1).DefaultTimeout());

        Assert.Equal(new CloseFrame(CloseCode.PolicyViolation, "kicked"), kicked.CloseStatus);
        Assert.False(kicked.WillReconnect);
        Assert.Equal(HubClientState.Closed, client.State);
        Assert.IsType<ConnectionClosedErrorException>(afterwards.InnerException);
    }

    [Theory]
    [EachHubProtocol]
    public async Task SilentLink_NoPongWithinHeartbeatTimeout_TreatedAsDead_AndReconnected(HubProtocol protocol)
    {
        // A server that says welcome with a 1 s heartbeat and never answers a ping envelope (it does answer
        // WebSocket ping frames, as a link that is up but whose hub stopped would).
        var connections = 0;
        await using var silent = await LoopbackServer.StartAsync(
            async ws =>
            {
                Interlocked.Increment(ref connections);
                await SendWelcomeAsync(ws, protocol, heartbeatSeconds: 1);
                await foreach (var _ in ws)
                {
                }
            },
            new ServerOptions { Subprotocols = [HubProtocolCodec.Of(protocol).Subprotocol] });
        await using var client = await HubClient.ConnectAsync(silent.Uri("/ws"), Options(protocol, o => o.HeartbeatTimeout = TimeSpan.FromMilliseconds(200)));
        var disconnected = NextEventAsync<HubDisconnectedEventArgs>(h => client.Disconnected += h);
        var reconnected = NextEventAsync<HubConnectedEventArgs>(h => client.Connected += h);

        var dead = await disconnected;
        await reconnected;

        Assert.Equal(new CloseFrame(CloseCode.InternalError, "heartbeat timeout"), dead.CloseStatus);
        Assert.True(dead.WillReconnect);
        Assert.True(Volatile.Read(ref connections) >= 2);
    }

    [Theory]
    [EachHubProtocol]
    public async Task NoReply_RequestTimesOut_WithTimeoutException(HubProtocol protocol)
    {
        await using var silent = await LoopbackServer.StartAsync(
            async ws =>
            {
                await SendWelcomeAsync(ws, protocol, heartbeatSeconds: 0);
                await foreach (var _ in ws)
                {
                }
            },
            new ServerOptions { Subprotocols = [HubProtocolCodec.Of(protocol).Subprotocol] });
        await using var client = await HubClient.ConnectAsync(silent.Uri("/ws"), Options(protocol, o => o.RequestTimeout = TimeSpan.FromMilliseconds(200)));

        var publish = await Assert.ThrowsAsync<TimeoutException>(() => client.PublishAsync("room", 1).DefaultTimeout());
        var subscribe = await Assert.ThrowsAsync<TimeoutException>(() => client.SubscribeAsync("room", _ => ValueTask.CompletedTask).DefaultTimeout());

        Assert.StartsWith("publish", publish.Message, StringComparison.Ordinal);
        Assert.StartsWith("subscribe to room", subscribe.Message, StringComparison.Ordinal);
    }

    private sealed record Number(int N);
}
