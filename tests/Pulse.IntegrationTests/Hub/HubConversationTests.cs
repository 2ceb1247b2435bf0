using System.Text.Json;
using Pulse.Hub.Hosting;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hub;

/// <summary>Issue 5: the hub over real connections — rooms, recovery, acks, bad envelopes, the server-side API.</summary>
[Trait("Category", "Hub")]
public sealed class HubConversationTests
{
    private static string Text(JsonElement message) => message.GetProperty("payload").GetProperty("data").GetProperty("text").GetString()!;

    private static long Offset(JsonElement message) => message.GetProperty("payload").GetProperty("offset").GetInt64();

    [Fact]
    public async Task TwoClientsInARoom_EachPublicationReachesBothOnceInOrder()
    {
        await using var server = await HubServer.StartAsync();
        await using var alice = await server.ConnectAsync();
        await using var bob = await server.ConnectAsync();
        await alice.SubscribeAsync("chat:lobby");
        await bob.SubscribeAsync("chat:lobby");

        var first = await alice.PublishAsync("chat:lobby", new { text = "hi bob" });
        var second = await bob.PublishAsync("chat:lobby", new { text = "hi alice" });

        foreach (var client in new[] { alice, bob })
        {
            var m1 = await client.NextMessageAsync();
            var m2 = await client.NextMessageAsync();
            Assert.Equal(["hi bob", "hi alice"], new[] { Text(m1), Text(m2) });
            Assert.Equal([first, second], new[] { Offset(m1), Offset(m2) });
        }

        Assert.Equal(first + 1, second);
    }

    [Fact]
    public async Task ClientKilledMidStream_ReconnectsWithSince_GetsExactlyWhatItMissedThenLive()
    {
        await using var server = await HubServer.StartAsync();
        await using var publisher = await server.ConnectAsync();
        var subscriber = await server.ConnectAsync();
        var subscribed = await subscriber.SubscribeAsync("news");
        var epoch = subscribed.GetProperty("epoch").GetString()!;
        for (var i = 1; i <= 3; i++)
        {
            await publisher.PublishAsync("news", new { text = $"n{i}" });
            Assert.Equal(i, Offset(await subscriber.NextMessageAsync()));
        }

        subscriber.Socket.Abort(); // killed: no close frame
        await subscriber.Socket.Closed.DefaultTimeout();
        for (var i = 4; i <= 6; i++)
        {
            await publisher.PublishAsync("news", new { text = $"n{i}" });
        }

        await using var again = await server.ConnectAsync();
        var recovery = await again.SubscribeAsync("news", (epoch, 3));
        await publisher.PublishAsync("news", new { text = "n7" });
        var live = await again.NextMessageAsync();

        Assert.True(recovery.GetProperty("recovered").GetBoolean());
        Assert.Equal([4L, 5L, 6L], recovery.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("offset").GetInt64()));
        Assert.Equal(["n4", "n5", "n6"], recovery.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("data").GetProperty("text").GetString()));
        Assert.Equal(7, Offset(live));
        Assert.Equal("n7", Text(live));
    }

    [Fact]
    public async Task RecoveryBeyondHistory_SaysNotRecovered()
    {
        await using var server = await HubServer.StartAsync(o => o.Namespaces["short"] = new NamespaceOptions { HistorySize = 2 });
        await using var client = await server.ConnectAsync();
        var epoch = (await client.SubscribeAsync("short:feed")).GetProperty("epoch").GetString()!;
        for (var i = 0; i < 5; i++)
        {
            await client.PublishAsync("short:feed", new { text = $"{i}" });
        }

        await using var late = await server.ConnectAsync();
        var recovery = await late.SubscribeAsync("short:feed", (epoch, 1));
        var otherEpoch = await late.RequestAsync("subscribe", new { channel = "short:other", since = new { epoch = "gone", offset = 0 } });

        Assert.False(recovery.GetProperty("recovered").GetBoolean());
        Assert.Equal(5, recovery.GetProperty("offset").GetInt64());
        Assert.False(otherEpoch.GetProperty("payload").GetProperty("recovered").GetBoolean());
    }

    [Fact]
    public async Task AckRequired_UnackedMessageResentWithTheSameId_UntilAcked()
    {
        await using var server = await HubServer.StartAsync(o => o.AckRetryInitialDelay = TimeSpan.FromMilliseconds(100));
        await using var publisher = await server.ConnectAsync();
        await using var subscriber = await server.ConnectAsync();
        await subscriber.SubscribeAsync("orders");

        await publisher.PublishAsync("orders", new { text = "order 1" }, ackRequired: true);
        var first = await subscriber.NextMessageAsync();
        var resent = await subscriber.NextMessageAsync();
        await subscriber.SendRawAsync(JsonSerializer.Serialize(new { type = "ack", id = first.GetProperty("id").GetString() }));
        await publisher.PublishAsync("orders", new { text = "order 2" });
        var next = await subscriber.NextMessageAsync();
        while (next.GetProperty("id").GetString() == first.GetProperty("id").GetString())
        {
            next = await subscriber.NextMessageAsync(); // a resend already in flight when the ack arrived
        }

        Assert.True(first.GetProperty("ack_required").GetBoolean());
        Assert.Equal(first.GetProperty("id").GetString(), resent.GetProperty("id").GetString());
        Assert.Equal("order 2", Text(next));
    }

    [Fact]
    public async Task AckAcrossADroppedConnection_RecoveredMessageKeepsItsId()
    {
        await using var server = await HubServer.StartAsync(o => o.AckRetryInitialDelay = TimeSpan.FromSeconds(30));
        await using var publisher = await server.ConnectAsync();
        var subscriber = await server.ConnectAsync();
        var epoch = (await subscriber.SubscribeAsync("orders")).GetProperty("epoch").GetString()!;
        await publisher.PublishAsync("orders", new { text = "must arrive" }, ackRequired: true);
        var delivered = await subscriber.NextMessageAsync();

        subscriber.Socket.Abort(); // dropped before it could ack
        await using var again = await server.ConnectAsync();
        var recovery = await again.SubscribeAsync("orders", (epoch, 0));

        var recovered = Assert.Single(recovery.GetProperty("publications").EnumerateArray());
        Assert.Equal(delivered.GetProperty("id").GetString(), $"{epoch}:{recovered.GetProperty("offset").GetInt64()}");
        Assert.Equal("must arrive", recovered.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task DuplicatePublishWithTheSameId_AppliedOnceAndAnsweredTheSame()
    {
        await using var server = await HubServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("dedup");

        await client.SendAsync("publish", new { channel = "dedup", data = new { text = "once" } }, id: "p-1");
        var firstReply = await client.ReplyToAsync("p-1");
        await client.SendAsync("publish", new { channel = "dedup", data = new { text = "once" } }, id: "p-1");
        var secondReply = await client.ReplyToAsync("p-1");
        var history = await client.RequestAsync("history", new { channel = "dedup" });

        Assert.Equal(firstReply.GetProperty("payload").GetProperty("offset").GetInt64(), secondReply.GetProperty("payload").GetProperty("offset").GetInt64());
        Assert.Single(history.GetProperty("payload").GetProperty("publications").EnumerateArray());
    }

    [Theory]
    [InlineData("not json at all", 400)]
    [InlineData("{\"type\":\"teleport\",\"id\":\"x1\"}", 404)]
    [InlineData("{\"type\":\"subscribe\",\"id\":\"x2\"}", 400)]
    [InlineData("{\"type\":\"subscribe\",\"id\":\"x3\",\"payload\":{\"channel\":\"bad channel!\"}}", 422)]
    [InlineData("{\"type\":\"publish\",\"id\":\"x4\",\"payload\":{\"channel\":\"c\",\"data\":1,\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}", 400)]
    public async Task BadEnvelope_AnsweredWithAnError_AndTheConnectionKeepsWorking(string frame, int code)
    {
        await using var server = await HubServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendRawAsync(frame);
        var error = await client.ExpectAsync("error");
        var works = await client.SubscribeAsync("still:fine");

        Assert.Equal(code, error.GetProperty("payload").GetProperty("code").GetInt32());
        Assert.Equal(0, works.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task ErrorFlood_ClosesWith1008()
    {
        await using var server = await HubServer.StartAsync();
        var client = await server.ConnectAsync();

        var closed = await Assert.ThrowsAsync<ConnectionClosedErrorException>(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await client.SendRawAsync("garbage");
            }

            while (true)
            {
                await client.ReceiveAsync();
            }
        });

        Assert.Equal(CloseCode.PolicyViolation, closed.Received?.Code);
    }

    [Fact]
    public async Task ServerSideApi_PublishSendToUserSubscribeUserAndDisconnectUser()
    {
        await using var server = await HubServer.StartAsync();
        var token = server.Tokens.Create("alice");
        await using var alice = await server.ConnectAsync($"?token={token}");
        await alice.SubscribeAsync("alerts");

        await server.Node.PublishAsJsonAsync("alerts", new { text = "from the server" });
        var published = await alice.NextMessageAsync();
        Assert.Equal(1, server.Node.SendToUser("alice", "inbox", JsonSerializer.SerializeToUtf8Bytes(new { text = "direct" })));
        var direct = await alice.NextMessageAsync();
        Assert.Equal(1, server.Node.SubscribeUser("alice", "team"));
        await WaitUntilAsync(async () => (await server.Node.PresenceAsync("team")).Count == 1);
        await server.Node.PublishAsJsonAsync("team", new { text = "team news" });
        var team = await alice.NextMessageAsync();
        var disconnected = server.Node.DisconnectUser("alice", CloseCode.PolicyViolation, "kicked");
        var closed = await Assert.ThrowsAsync<ConnectionClosedErrorException>(async () =>
        {
            while (true)
            {
                await alice.ReceiveAsync();
            }
        });

        Assert.Equal("from the server", Text(published));
        Assert.Equal("direct", Text(direct));
        Assert.Equal("team news", Text(team));
        Assert.Equal(1, disconnected);
        Assert.Equal(new CloseFrame(CloseCode.PolicyViolation, "kicked"), closed.Received);
    }

    [Fact]
    public async Task Presence_ShowsSubscribers_AndDropsAConnectionThatStoppedAnsweringHeartbeats()
    {
        await using var server = await HubServer.StartAsync(o =>
        {
            o.WebSocket.PingInterval = TimeSpan.FromMilliseconds(200);
            o.WebSocket.PingTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var watcher = await server.ConnectAsync();
        await watcher.SubscribeAsync("room");

        // A raw client that subscribes, then never answers pings: the keepalive closes it.
        await using var silent = await RawWebSocket.OpenAsync(server.Port, "/ws");
        await silent.SendTextAsync("{\"type\":\"subscribe\",\"id\":\"s\",\"payload\":{\"channel\":\"room\"}}");
        await WaitUntilAsync(async () => (await server.Node.PresenceAsync("room")).Count == 2);
        var before = await watcher.RequestAsync("presence", new { channel = "room" });

        Assert.True(await silent.WaitForTcpCloseAsync());
        await WaitUntilAsync(async () => (await server.Node.PresenceAsync("room")).Count == 1);
        var after = await watcher.RequestAsync("presence", new { channel = "room" });

        Assert.Equal(2, before.GetProperty("payload").GetProperty("count").GetInt32());
        Assert.Equal(1, after.GetProperty("payload").GetProperty("count").GetInt32());
        Assert.Equal(watcher.ClientId, after.GetProperty("payload").GetProperty("clients")[0].GetProperty("client").GetString());
    }

    [Fact]
    public async Task JoinAndLeave_AnnouncedWhereTheNamespaceAsks()
    {
        await using var server = await HubServer.StartAsync(o => o.Namespaces["chat"] = new NamespaceOptions { JoinLeave = true });
        await using var alice = await server.ConnectAsync();
        await alice.SubscribeAsync("chat:lobby");
        var bob = await server.ConnectAsync();

        await bob.SubscribeAsync("chat:lobby");
        var join = await alice.ExpectAsync("join");
        await bob.RequestAsync("unsubscribe", new { channel = "chat:lobby" });
        var leave = await alice.ExpectAsync("leave");

        Assert.Equal(bob.ClientId, join.GetProperty("payload").GetProperty("client").GetString());
        Assert.Equal(bob.ClientId, leave.GetProperty("payload").GetProperty("client").GetString());
        await bob.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition never held");
            }

            await Task.Delay(20);
        }
    }
}
