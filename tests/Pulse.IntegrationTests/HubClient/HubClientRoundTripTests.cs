using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Pulse.Hub.Client;
using Pulse.Hub.Hosting;
using Pulse.Hub.Protocol;
using Pulse.Testing;
using static Pulse.IntegrationTests.HubClientTests.HubClientTestKit;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>Issue 5 §5: the C# hub client against the real hub — subscribe, publish, presence, history, errors.</summary>
[Trait("Category", "HubClient")]
public sealed class HubClientRoundTripTests
{
    private sealed record Line(string From, string Text);

    /// <summary>The ten lines of docs/howto/hub-client.md and README.md, run as they are printed there.</summary>
    [Fact]
    public async Task TenLineSample_ConnectSubscribePublishPresence()
    {
        await using var server = await HubServer.StartAsync();
        var uri = server.Uri();

        // ten-line sample: begin
        await using var hub = await HubClient.ConnectAsync(uri);
        var inbox = Channel.CreateUnbounded<HubMessage>();
        await using var lobby = await hub.SubscribeAsync("chat:lobby", message => inbox.Writer.WriteAsync(message));

        var offset = await hub.PublishAsync("chat:lobby", new Line("alice", "hi"));
        var message = await inbox.Reader.ReadAsync();
        var here = await hub.PresenceAsync("chat:lobby");
        Console.WriteLine($"{message.GetData<Line>()} at offset {offset}; {here.Count} here");
        // ten-line sample: end

        Assert.Equal(1, offset);
        Assert.Equal(new Line("alice", "hi"), message.GetData<Line>());
        Assert.Equal(hub.ClientId, Assert.Single(here).Client);
    }

    [Fact]
    public async Task JsonAndProtobufClients_ShareAChannel_EachInItsOwnSubprotocol_DataByteForByte()
    {
        await using var server = await HubServer.StartAsync();
        await using var json = await HubClient.ConnectAsync(server.Uri(), Options(HubProtocol.Json, o => o.Token = server.Tokens.Create("jay")));
        await using var protobuf = await HubClient.ConnectAsync(server.Uri(), Options(HubProtocol.Protobuf, o => o.Token = server.Tokens.Create("paula")));
        var jsonInbox = new Inbox();
        var protobufInbox = new Inbox();
        await using var jsonRoom = await json.SubscribeAsync("mixed", jsonInbox.Handler);
        await using var protobufRoom = await protobuf.SubscribeAsync("mixed", protobufInbox.Handler);
        var raw = "{ \"n\" : 1.50, \"s\":\"é\" }"u8.ToArray();

        await json.PublishAsync("mixed", raw);
        await protobuf.PublishAsync("mixed", new Line("paula", "hi"));
        var here = await protobuf.PresenceAsync("mixed");

        Assert.Equal("pulse.v1.json", json.Socket!.Subprotocol);
        Assert.Equal("pulse.v1.protobuf", protobuf.Socket!.Subprotocol);
        foreach (var inbox in new[] { jsonInbox, protobufInbox })
        {
            var messages = await inbox.TakeAsync(2);
            Assert.Equal(raw, messages[0].Data.ToArray());
            Assert.Equal(new Line("paula", "hi"), messages[1].GetData<Line>());
            Assert.Equal(["jay", "paula"], messages.Select(m => m.User));
            Assert.Equal([1L, 2L], messages.Select(m => m.Offset));
        }

        Assert.Equal(["jay", "paula"], here.Select(c => c.User).Order());
    }

    [Fact]
    public async Task AServerThatDoesNotSpeakTheChosenVariant_ConnectFailsWithInvalidHandshake()
    {
        await using var jsonOnly = await LoopbackServer.StartAsync(
            async ws =>
            {
                await foreach (var _ in ws)
                {
                }
            },
            new ServerOptions { Subprotocols = ["pulse.v1.json"] });

        var refused = await Assert.ThrowsAsync<InvalidHandshakeException>(() => HubClient.ConnectAsync(jsonOnly.Uri("/ws"), Options(HubProtocol.Protobuf)).DefaultTimeout());

        Assert.Contains("pulse.v1.protobuf", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AProtocolThatIsNoVariant_RefusedByName()
    {
        var refused = Assert.Throws<ArgumentException>(() => new HubClientOptions { Protocol = (HubProtocol)7 }.Validate());

        Assert.Contains("HubClientOptions.Protocol", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [EachHubProtocol]
    public async Task SubscribeAndPublish_TwoClients_EachHandlerSeesEveryMessageInOrder(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync();
        await using var alice = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.Token = server.Tokens.Create("alice")));
        await using var bob = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var aliceInbox = new Inbox();
        var bobInbox = new Inbox();
        await using var aliceRoom = await alice.SubscribeAsync("chat:room", aliceInbox.Handler);
        await using var bobRoom = await bob.SubscribeAsync("chat:room", bobInbox.Handler);

        await alice.PublishAsync("chat:room", new Line("alice", "hi bob"));
        await bob.PublishAsync("chat:room", new Line("bob", "hi alice"));

        foreach (var inbox in new[] { aliceInbox, bobInbox })
        {
            var messages = await inbox.TakeAsync(2);
            Assert.Equal([new Line("alice", "hi bob"), new Line("bob", "hi alice")], messages.Select(m => m.GetData<Line>()));
            Assert.Equal([1L, 2L], messages.Select(m => m.Offset));
            Assert.Equal(["alice", null], messages.Select(m => m.User));
            Assert.All(messages, m => Assert.Equal("chat:room", m.Channel));
            Assert.All(messages, m => Assert.False(m.IsRecovered));
        }

        Assert.Equal("alice", alice.User);
        Assert.Equal(new StreamPosition(aliceRoom.Position!.Value.Epoch, 2), aliceRoom.Position);
    }

    [Theory]
    [EachHubProtocol]
    public async Task Publish_ReturnsTheOffsetTheHubGave_AndRawJsonArrivesByteForByte(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var inbox = new Inbox();
        await using var feed = await client.SubscribeAsync("feed", inbox.Handler);
        var raw = "{ \"n\" : 1.50, \"s\":\"é\" }"u8.ToArray();

        var offsets = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            offsets.Add(await client.PublishAsync("feed", new { n = i }));
        }

        offsets.Add(await client.PublishAsync("feed", raw));
        var fromServer = await server.Node.PublishAsJsonAsync("feed", new { n = "server" });
        var messages = await inbox.TakeAsync(5);

        Assert.Equal([1L, 2L, 3L, 4L], offsets);
        Assert.Equal(5, fromServer.Offset);
        Assert.Equal(raw, messages[3].Data.ToArray());
        Assert.Equal([1L, 2L, 3L, 4L, 5L], messages.Select(m => m.Offset));
        Assert.Equal(fromServer.Epoch, messages[4].Position.Epoch);
        Assert.Equal($"{fromServer.Epoch}:5", messages[4].Id);
    }

    [Theory]
    [EachHubProtocol]
    public async Task PresenceAndHistory_AsTheHubKeepsThem(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync();
        await using var alice = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.Token = server.Tokens.Create("alice")));
        await using var anonymous = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        await using var aliceRoom = await alice.SubscribeAsync("room", _ => ValueTask.CompletedTask);
        await using var anonymousRoom = await anonymous.SubscribeAsync("room", _ => ValueTask.CompletedTask);
        for (var i = 1; i <= 4; i++)
        {
            await alice.PublishAsync("room", new { i });
        }

        var presence = await anonymous.PresenceAsync("room");
        var all = await anonymous.HistoryAsync("room");
        var since = await anonymous.HistoryAsync("room", since: new StreamPosition(all.Position.Epoch, 2));
        var positionOnly = await anonymous.HistoryAsync("room", limit: 0);
        var otherEpoch = await anonymous.HistoryAsync("room", since: new StreamPosition("gone", 0));

        Assert.Equal(
            new[] { (alice.ClientId, "alice"), (anonymous.ClientId, "") }.OrderBy(c => c.Item1),
            presence.Select(c => (c.Client, c.User)).OrderBy(c => c.Item1));
        Assert.Equal(4, all.Position.Offset);
        Assert.Equal([1L, 2L, 3L, 4L], all.Publications.Select(p => p.Offset));
        Assert.Equal([1, 2, 3, 4], all.Publications.Select(p => p.GetData<JsonElement>().GetProperty("i").GetInt32()));
        Assert.All(all.Publications, p => Assert.Equal("alice", p.User));
        Assert.Equal([3L, 4L], since.Publications.Select(p => p.Offset));
        Assert.Empty(positionOnly.Publications);
        Assert.Equal(all.Position, positionOnly.Position);
        Assert.Empty(otherEpoch.Publications);
    }

    [Theory]
    [EachHubProtocol]
    public async Task SubscribeWithSince_RecoversWhatASavedPositionMissed(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync();
        await using var writer = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var first = new Inbox();
        StreamPosition saved;
        await using (var sub = await writer.SubscribeAsync("log", first.Handler))
        {
            await writer.PublishAsync("log", "one");
            await first.NextAsync();
            saved = sub.Position!.Value;
        }

        await writer.PublishAsync("log", "two");
        await writer.PublishAsync("log", "three");
        await using var reader = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var inbox = new Inbox();
        await using var resumed = await reader.SubscribeAsync("log", inbox.Handler, new SubscribeOptions { Since = saved });
        await writer.PublishAsync("log", "four");
        var messages = await inbox.TakeAsync(3);

        Assert.Equal(new StreamPosition(saved.Epoch, 1), saved);
        Assert.Equal(["two", "three", "four"], messages.Select(m => m.GetData<string>()));
        Assert.Equal([true, true, false], messages.Select(m => m.IsRecovered));
    }

    [Theory]
    [EachHubProtocol]
    public async Task ErrorReplies_SurfaceAsHubErrorExceptionWithTheirCode_AndTheClientKeepsWorking(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync(o => o.Namespaces["private"] = new NamespaceOptions { Private = true });
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        await using var member = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.Token = server.Tokens.Create("grace", ["private:*"])));

        var invalidChannel = await Assert.ThrowsAsync<HubErrorException>(() => client.SubscribeAsync("bad channel!", _ => ValueTask.CompletedTask).DefaultTimeout());
        var invalidPublish = await Assert.ThrowsAsync<HubErrorException>(() => client.PublishAsync("bad channel!", 1).DefaultTimeout());
        var privateChannel = await Assert.ThrowsAsync<HubErrorException>(() => client.SubscribeAsync("private:board", _ => ValueTask.CompletedTask).DefaultTimeout());
        var privatePresence = await Assert.ThrowsAsync<HubErrorException>(() => client.PresenceAsync("private:board").DefaultTimeout());
        await using var allowed = await member.SubscribeAsync("private:board", _ => ValueTask.CompletedTask);
        await using var works = await client.SubscribeAsync("still:fine", _ => ValueTask.CompletedTask);
        var twice = await Assert.ThrowsAsync<HubErrorException>(() => client.SubscribeAsync("still:fine", _ => ValueTask.CompletedTask).DefaultTimeout());
        var notJson = await Assert.ThrowsAsync<ArgumentException>(() => client.PublishAsync("still:fine", "{not json"u8.ToArray()).DefaultTimeout());

        Assert.Equal(ErrorCode.InvalidChannel, invalidChannel.Code);
        Assert.Equal(ErrorCode.InvalidChannel, invalidPublish.Code);
        Assert.Equal(ErrorCode.PermissionDenied, privateChannel.Code);
        Assert.Equal(ErrorCode.PermissionDenied, privatePresence.Code);
        Assert.False(privateChannel.IsTemporary);
        Assert.Equal(ErrorCode.AlreadySubscribed, twice.Code);
        Assert.Equal("still:fine", works.Channel);
        Assert.Equal(1, await client.PublishAsync("still:fine", new { ok = true }));
        Assert.Contains("json", notJson.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [EachHubProtocol]
    public async Task JoinAndLeave_ReachTheCallbacks_AndUnsubscribingStopsDelivery(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync(o => o.Namespaces["chat"] = new NamespaceOptions { JoinLeave = true });
        await using var alice = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        await using var bob = await HubClient.ConnectAsync(server.Uri(), Options(protocol, o => o.Token = server.Tokens.Create("bob")));
        var events = Channel.CreateUnbounded<string>();
        var inbox = new Inbox();
        await using var aliceLobby = await alice.SubscribeAsync("chat:lobby", inbox.Handler, new SubscribeOptions
        {
            OnJoin = info => events.Writer.WriteAsync($"join {info.Client} {info.User}"),
            OnLeave = info => events.Writer.WriteAsync($"leave {info.Client} {info.User}"),
        });

        var bobLobby = await bob.SubscribeAsync("chat:lobby", _ => ValueTask.CompletedTask);
        var joined = await events.Reader.ReadAsync().AsTask().DefaultTimeout();
        await bobLobby.DisposeAsync();
        var left = await events.Reader.ReadAsync().AsTask().DefaultTimeout();
        await aliceLobby.DisposeAsync();
        await bob.PublishAsync("chat:lobby", new { text = "anyone?" });
        var presence = await bob.PresenceAsync("chat:lobby");

        Assert.Equal($"join {bob.ClientId} bob", joined);
        Assert.Equal($"leave {bob.ClientId} bob", left);
        Assert.Empty(presence);
        Assert.True(inbox.IsEmpty);
    }

    [Theory]
    [EachHubProtocol]
    public async Task HandlersOfOneSubscription_RunOneAtATimeInOrder_EvenWhenSlow(HubProtocol protocol)
    {
        await using var server = await HubServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(protocol));
        var running = 0;
        var overlapped = false;
        var seen = new List<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sub = await client.SubscribeAsync("slow", async message =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            await Task.Yield();
            seen.Add(message.Offset);
            Interlocked.Decrement(ref running);
            if (message.Offset == 20)
            {
                done.SetResult();
            }
        });

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => server.Node.PublishAsync("slow", Encoding.UTF8.GetBytes($"{i}"))));
        await done.Task.DefaultTimeout();

        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), seen);
    }

    /// <summary>One JSON-value check on both sides: nested to the limit goes through, one deeper is refused before it is sent.</summary>
    [Fact]
    public async Task PublicationData_NestedDeeperThanTheLimit_RefusedByTheClientAndByTheServerSidePublish()
    {
        await using var server = await HubServer.StartAsync();
        await using var client = await HubClient.ConnectAsync(server.Uri(), Options(HubProtocol.Json));
        var deepest = Nested(EnvelopeLimits.MaxDataDepth);
        var tooDeep = Nested(EnvelopeLimits.MaxDataDepth + 1);

        Assert.Equal(1, await client.PublishAsync("deep", deepest).DefaultTimeout());
        Assert.Equal(2, (await server.Node.PublishAsync("deep", deepest).DefaultTimeout()).Offset);
        var byClient = await Assert.ThrowsAsync<ArgumentException>(() => client.PublishAsync("deep", tooDeep).DefaultTimeout());
        var byServer = await Assert.ThrowsAsync<ArgumentException>(() => server.Node.PublishAsync("deep", tooDeep).DefaultTimeout());
        var directByServer = Assert.Throws<ArgumentException>(() => server.Node.SendToUser("alice", "deep", tooDeep));

        Assert.All([byClient, byServer, directByServer], e => Assert.Contains($"{EnvelopeLimits.MaxDataDepth} deep", e.Message, StringComparison.Ordinal));
    }

    private static byte[] Nested(int depth) => Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));
}
