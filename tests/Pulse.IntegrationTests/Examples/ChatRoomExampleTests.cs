using System.IO.Pipelines;
using Examples.ChatRoom;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/ChatRoom: relay to every other member, join/leave notices, keepalive removes the vanished.</summary>
[Trait("Category", "Examples")]
public sealed class ChatRoomExampleTests
{
    [Fact]
    public async Task Message_GoesToEveryOtherMember_NotBackToTheSender()
    {
        await using var room = await ChatRoom.StartAsync(0).DefaultTimeout();
        await using var alice = await JoinAsync(room, "alice");
        await using var bob = await JoinAsync(room, "bob");
        await using var carol = await JoinAsync(room, "carol");

        await alice.SendAsync("hi all").DefaultTimeout();
        var bobGot = await bob.ReceiveUntilAsync(m => !m.StartsWith('*'));
        var carolGot = await carol.ReceiveUntilAsync(m => !m.StartsWith('*'));

        // The room orders all its events: had alice been sent her own line, it would come before bob's answer.
        await bob.SendAsync("hello alice").DefaultTimeout();
        var aliceGot = await alice.ReceiveUntilAsync(m => !m.StartsWith('*'));

        Assert.Equal("alice: hi all", bobGot[^1]);
        Assert.Equal("alice: hi all", carolGot[^1]);
        Assert.Equal("bob: hello alice", aliceGot[^1]);
    }

    [Fact]
    public async Task JoinAndLeave_AreAnnouncedToTheOthers()
    {
        await using var room = await ChatRoom.StartAsync(0).DefaultTimeout();
        await using var alice = await WebSocketClient.ConnectAsync(ExampleKit.Ws(room.Port, "/?name=alice")).DefaultTimeout();
        var aliceWelcome = await alice.ReceiveTextAsync();

        var bob = await WebSocketClient.ConnectAsync(ExampleKit.Ws(room.Port, "/?name=bob")).DefaultTimeout();
        var bobWelcome = await bob.ReceiveTextAsync();
        var joined = await alice.ReceiveTextAsync();
        await bob.CloseAsync().DefaultTimeout();
        var left = await alice.ReceiveTextAsync();

        Assert.Equal("* welcome alice; here: nobody else", aliceWelcome);
        Assert.Equal("* welcome bob; here: alice", bobWelcome);
        Assert.Equal("* bob joined", joined);
        Assert.Equal("* bob left", left);
    }

    [Fact]
    public async Task MemberThatStopsAnsweringPings_IsRemovedAndAnnouncedAsLeft()
    {
        // Pings start soon; the timeout stays generous because alice, a live member, must never miss it (on a
        // busy machine a pong can take a while). The example's default is 10 s and 10 s.
        var options = new ServerOptions { PingInterval = TimeSpan.FromMilliseconds(100), PingTimeout = TestTimeouts.Scaled(TimeSpan.FromSeconds(2)) };
        await using var room = await ChatRoom.StartAsync(0, options).DefaultTimeout();
        await using var alice = await JoinAsync(room, "alice");

        // A member whose TCP connection stays up but who never reads again, so never answers a ping: the
        // server's view of a vanished laptop.
        await using var ghost = await RawWebSocket.OpenAsync(room.Port, "/?name=ghost");
        var joined = await alice.ReceiveTextAsync();
        var left = await alice.ReceiveTextAsync();

        Assert.Equal("* ghost joined", joined);
        Assert.Equal("* ghost left", left);
    }

    [Fact]
    public async Task NameAlreadyInTheRoom_IsRefusedWithTheApplicationCode4001()
    {
        await using var room = await ChatRoom.StartAsync(0).DefaultTimeout();
        await using var alice = await JoinAsync(room, "alice");
        await using var impostor = await WebSocketClient.ConnectAsync(ExampleKit.Ws(room.Port, "/?name=alice")).DefaultTimeout();

        var closed = await Assert.ThrowsAsync<ConnectionClosedErrorException>(() => impostor.ReceiveAsync().DefaultTimeout());

        Assert.Equal(ChatRoom.NameTaken, closed.Code);
        Assert.Equal("the name alice is taken", closed.Received?.Reason);
    }

    [Fact]
    public async Task LineOverTheSizeLimit_ClosesWith1009_AndIsNotRelayed()
    {
        await using var room = await ChatRoom.StartAsync(0).DefaultTimeout();
        await using var alice = await JoinAsync(room, "alice");
        await using var bob = await JoinAsync(room, "bob");

        await bob.SendAsync(new string('x', 5000)).DefaultTimeout();
        var closed = await Assert.ThrowsAsync<ConnectionClosedErrorException>(() => bob.ReceiveAsync().DefaultTimeout());

        Assert.Equal(CloseCode.MessageTooBig, closed.Code);
        Assert.Equal(["* bob joined", "* bob left"], await alice.ReceiveUntilAsync(m => m == "* bob left"));
    }

    [Fact]
    public async Task ConsoleClient_PrintsWhatArrives_AndSendsWhatIsTyped()
    {
        await using var room = await ChatRoom.StartAsync(0).DefaultTimeout();
        await using var alice = await JoinAsync(room, "alice");
        var keyboard = new Pipe();
        var screen = new LogLines();

        var client = ChatClient.RunAsync(ExampleKit.Ws(room.Port, "/?name=bob"), new StreamReader(keyboard.Reader.AsStream()), screen);
        await screen.WaitForAsync("* welcome bob; here: alice");
        await keyboard.Writer.WriteAsync("hi alice\n"u8.ToArray()).DefaultTimeout();
        var aliceGot = await alice.ReceiveUntilAsync(m => m == "bob: hi alice");
        await alice.SendAsync("hello bob").DefaultTimeout();
        await screen.WaitForAsync("alice: hello bob");
        await keyboard.Writer.CompleteAsync();
        await client.DefaultTimeout();

        Assert.Equal(["* bob joined", "bob: hi alice"], aliceGot);
        Assert.Equal("* bob left", await alice.ReceiveTextAsync());
    }

    private static async Task<WebSocketConnection> JoinAsync(ChatRoom room, string name)
    {
        var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(room.Port, $"/?name={name}")).DefaultTimeout();

        // Once the welcome arrives, the member is in the room.
        Assert.StartsWith($"* welcome {name}", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
        return ws;
    }
}
