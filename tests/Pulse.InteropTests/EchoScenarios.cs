using Pulse.Server;
using Pulse.Testing;

namespace Pulse.InteropTests;

/// <summary>
/// The interop scenarios, written once and run against each peer by <see cref="PythonWebsocketsTests"/> and
/// <see cref="NodeWsTests"/>. Every message is checked byte for byte; every close is checked on both ends.
/// </summary>
internal static class EchoScenarios
{
    private const int MiB = 1024 * 1024;

    /// <summary>Every length-encoding boundary of RFC 6455 §5.2 (7-bit, 16-bit, 64-bit), up to /echo's 16 MiB limit.</summary>
    public static readonly int[] Sizes = [0, 1, 125, 126, 65535, 65536, MiB, 16 * MiB];

    private static readonly ClientOptions s_clientOptions = new() { MaxMessageSize = (16 * MiB) + (64 * 1024) };

    private static IEnumerable<(MessageType Type, int Size)> Messages =>
        Sizes.SelectMany(size => new[] { (MessageType.Text, size), (MessageType.Binary, size) });

    /// <summary>The peer's client sends every size as text and binary to PulseServer's /echo and checks each echo.</summary>
    public static async Task PeerClientAgainstPulseEchoAsync(EchoPeer peer)
    {
        await using var server = await PulseServerFixture.StartAsync();
        var run = await peer.RunClientAsync(EchoUri(server), Messages.Select(m => $"{Kind(m.Type)}:{m.Size}"));

        AssertSucceeded(run);
        var expected = Messages.Select(m => $"echo {Kind(m.Type)} {m.Size} {Payloads.Digest(Payloads.For(m.Type, m.Size))}")
            .Append($"ok {Sizes.Length * 2}");
        Assert.Equal(expected, run.Lines);
    }

    /// <summary>The peer's client sends fragmented messages (text split inside characters too, by Node) to /echo.</summary>
    public static async Task PeerClientSendsFragmentedMessagesToPulseEchoAsync(EchoPeer peer)
    {
        await using var server = await PulseServerFixture.StartAsync();
        var run = await peer.RunClientAsync(EchoUri(server), ["text:100000/7", "binary:70000/5", "text:64/64", "binary:3/3", "text:1048576/16"]);

        AssertSucceeded(run);
        Assert.Equal("ok 5", run.Lines[^1]);
    }

    /// <summary>Pulse's client sends every size as text and binary to the peer's echo server and checks each echo.</summary>
    public static async Task PulseClientAgainstPeerEchoAsync(EchoPeer peer)
    {
        await using var peerServer = await peer.StartServerAsync();
        var ws = await WebSocketClient.ConnectAsync(peerServer.Uri("/echo"), s_clientOptions).DefaultTimeout();
        await using (ws)
        {
            foreach (var (type, size) in Messages)
            {
                var payload = Payloads.For(type, size);
                await ws.SendAsync(type, payload).DefaultTimeout();
                var echo = await ws.ReceiveAsync().DefaultTimeout();

                Assert.Equal(type, echo.Type);
                Assert.True(Payloads.Difference(payload, echo.Data.Span) is null, $"{type} {size} B: {Payloads.Difference(payload, echo.Data.Span)}");
            }

            await ws.CloseAsync().DefaultTimeout();
            Assert.Equal(CloseCode.NormalClosure, ws.CloseReceived?.Code);
        }

        var stopped = await peerServer.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Equal(new[] { "closed 1000 " }, stopped.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The peer's client closes with 1000 and a reason: Pulse's server sees both, and answers with 1000.</summary>
    public static async Task PeerClosesWith1000Async(EchoPeer peer)
    {
        var serverSaw = new TaskCompletionSource<CloseFrame?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var server = await LoopbackServer.StartAsync(async ws =>
        {
            await foreach (var message in ws)
            {
                await ws.SendAsync(message);
            }

            serverSaw.TrySetResult(ws.CloseReceived);
        }))
        {
            var run = await peer.RunClientAsync(server.Uri("/"), ["text:5", "close:1000:bye"]);

            AssertSucceeded(run);
            Assert.StartsWith("closed 1000", run.Lines[^2], StringComparison.Ordinal);
            Assert.Equal(new CloseFrame(CloseCode.NormalClosure, "bye"), await serverSaw.Task.DefaultTimeout());
        }
    }

    /// <summary>Pulse's server closes with 1001 and a reason: the peer's client sees both, and answers with 1001.</summary>
    public static async Task PulseServerClosesWith1001Async(EchoPeer peer)
    {
        var serverSaw = new TaskCompletionSource<CloseFrame?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var server = await LoopbackServer.StartAsync(async ws =>
        {
            await ws.SendAsync(await ws.ReceiveAsync());
            await ws.CloseAsync(CloseCode.GoingAway, "going away");
            serverSaw.TrySetResult(ws.CloseReceived);
        }))
        {
            var run = await peer.RunClientAsync(server.Uri("/"), ["text:5", "expect-close:1001"]);

            AssertSucceeded(run);
            Assert.Equal("closed 1001 going away", run.Lines[^2]);
            Assert.Equal(CloseCode.GoingAway, (await serverSaw.Task.DefaultTimeout())?.Code);
        }
    }

    /// <summary>Pulse's client closes with 1001 and a reason: the peer's server sees both, and answers with 1001.</summary>
    public static async Task PulseClientClosesWith1001Async(EchoPeer peer)
    {
        await using var peerServer = await peer.StartServerAsync();
        var ws = await WebSocketClient.ConnectAsync(peerServer.Uri("/echo"), s_clientOptions).DefaultTimeout();
        await using (ws)
        {
            await ws.SendAsync("hello").DefaultTimeout();
            Assert.Equal("hello", (await ws.ReceiveAsync().DefaultTimeout()).Text);

            await ws.CloseAsync(CloseCode.GoingAway, "client leaving").DefaultTimeout();

            Assert.Equal(CloseCode.GoingAway, ws.CloseReceived?.Code);
            Assert.Equal(new CloseFrame(CloseCode.GoingAway, "client leaving"), ws.CloseSent);
        }

        var stopped = await peerServer.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Equal(new[] { "closed 1001 client leaving" }, stopped.Lines);
    }

    /// <summary>
    /// The peer's server closes with <paramref name="code"/>: Pulse's client reads the echo first, then
    /// ReceiveAsync raises the OK kind for 1000 and the error kind for others, carrying the code and reason.
    /// </summary>
    public static async Task PeerServerClosesAsync(EchoPeer peer, int code)
    {
        await using var peerServer = await peer.StartServerAsync();
        var ws = await WebSocketClient.ConnectAsync(peerServer.Uri($"/close/{code}"), s_clientOptions).DefaultTimeout();
        await using (ws)
        {
            await ws.SendAsync("hello").DefaultTimeout();
            Assert.Equal("hello", (await ws.ReceiveAsync().DefaultTimeout()).Text);

            var closed = await Assert.ThrowsAnyAsync<ConnectionClosedException>(() => ws.ReceiveAsync().AsTask()).DefaultTimeout();

            Assert.IsType(CloseCodes.IsOk((CloseCode)code) ? typeof(ConnectionClosedOkException) : typeof(ConnectionClosedErrorException), closed);
            Assert.Equal(new CloseFrame((CloseCode)code, "server closing"), closed.Received);
            Assert.Equal((CloseCode)code, closed.Sent?.Code);
        }

        var stopped = await peerServer.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.StartsWith($"closed {code}", Assert.Single(stopped.Lines), StringComparison.Ordinal);
    }

    private static Uri EchoUri(PulseServer server) => new(server.BaseUri, "echo");

    private static string Kind(MessageType type) => type == MessageType.Text ? "text" : "binary";

    private static void AssertSucceeded(PeerRun run) => Assert.True(run.ExitCode == 0, run.ToString());
}
