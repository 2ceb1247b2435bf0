using Pulse.Testing;

namespace Pulse.InteropTests;

/// <summary>
/// Issue 3: permessage-deflate (RFC 7692) with implementations nobody here wrote, compression on in both: Python
/// websockets (which compresses by default) and Node ws (perMessageDeflate: true), as clients of <c>pulse serve</c>'s
/// /echo and as servers for Pulse's client, with messages from 0 B to 16 MiB. The peers' scripts turn compression
/// on with PEER_COMPRESSION=deflate, set here through /usr/bin/env.
/// </summary>
[Trait("Category", "Interop")]
public sealed class CompressionInteropTests
{
    private const int MiB = 1024 * 1024;

    // What pulse serve answers to the offer both peers make by default, "permessage-deflate; client_max_window_bits".
    private const string PulseAnswer = "extensions permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12";

    private static readonly int[] s_sizes = [0, 1, 125, 126, 1000, 65535, 65536, MiB, 16 * MiB];

    private static readonly ClientOptions s_clientOptions = new() { MaxMessageSize = (16 * MiB) + (64 * 1024) };

    public static TheoryData<string> PeerNames => ["python", "node"];

    [Theory]
    [MemberData(nameof(PeerNames))]
    public async Task PeerClient_AgainstPulseServe_NegotiatesAndEchoesCompressed_0BTo16MiB(string name)
    {
        var peer = Peer.Named(name);
        await using var server = await PulseServerFixture.StartAsync();
        var messages = s_sizes.SelectMany(size => new[] { (MessageType.Text, size), (MessageType.Binary, size) }).ToList();

        var run = await peer.RunClientAsync(new Uri(server.BaseUri, "echo"), [.. messages.Select(m => $"{Kind(m.Item1)}:{m.size}"), "text:100000/7", "binary:70000/5"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(PulseAnswer, run.Lines[0]);
        var expected = messages.Select(m => $"echo {Kind(m.Item1)} {m.size} {Payloads.Digest(Payloads.For(m.Item1, m.size))}");
        Assert.Equal(expected, run.Lines.Skip(1).Take(messages.Count));
        Assert.Equal($"ok {messages.Count + 2}", run.Lines[^1]);
    }

    [Theory]
    [MemberData(nameof(PeerNames))]
    public async Task PeerClient_AgainstPulseServeWithoutCompression_ConnectsUncompressed(string name)
    {
        var peer = Peer.Named(name);
        await using var server = await PulseServerFixture.StartAsync(options => options.Compression = false);

        var run = await peer.RunClientAsync(new Uri(server.BaseUri, "echo"), ["text:1000", "binary:70000"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("extensions -", run.Lines[0]);
        Assert.Equal("ok 2", run.Lines[^1]);
    }

    [Theory]
    [MemberData(nameof(PeerNames))]
    public async Task PulseClient_AgainstPeerServer_NegotiatesAndEchoesCompressed_0BTo16MiB(string name)
    {
        var peer = Peer.Named(name);
        await using var peerServer = await peer.StartServerAsync();
        var ws = await WebSocketClient.ConnectAsync(peerServer.Uri("/echo"), s_clientOptions).DefaultTimeout();
        await using (ws)
        {
            // Pulse's default offer asks for server_no_context_takeover and a 12-bit server window; both peers grant it.
            Assert.NotNull(ws.Compression);
            Assert.True(ws.Compression.ServerNoContextTakeover);
            Assert.True(ws.Compression.ServerMaxWindowBits <= 12);
            Assert.True(ws.Compression.ClientMaxWindowBits <= 12);
            foreach (var size in s_sizes)
            {
                foreach (var type in new[] { MessageType.Text, MessageType.Binary })
                {
                    var payload = Payloads.For(type, size);
                    await ws.SendAsync(type, payload).DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));
                    var echo = await ws.ReceiveAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));

                    Assert.Equal(type, echo.Type);
                    Assert.True(Payloads.Difference(payload, echo.Data.Span) is null, $"{type} {size} B: {Payloads.Difference(payload, echo.Data.Span)}");
                }
            }

            await ws.CloseAsync().DefaultTimeout();
            Assert.Equal(CloseCode.NormalClosure, ws.CloseReceived?.Code);
        }

        var stopped = await peerServer.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    [Theory]
    [MemberData(nameof(PeerNames))]
    public async Task PulseClient_WithContextTakeoverEverywhere_ManySmallMessages(string name)
    {
        var peer = Peer.Named(name);
        await using var peerServer = await peer.StartServerAsync();
        var options = new ClientOptions
        {
            Compression = { ServerNoContextTakeover = false, ServerMaxWindowBits = 15, ClientMaxWindowBits = 15, MinimumSize = 0 },
        };
        var ws = await WebSocketClient.ConnectAsync(peerServer.Uri("/echo"), options).DefaultTimeout();
        await using (ws)
        {
            Assert.NotNull(ws.Compression);
            for (var i = 0; i < 200; i++)
            {
                var text = $"{{\"type\":\"message\",\"channel\":\"chat:lobby\",\"data\":{{\"user\":\"ann\",\"text\":\"message {i}\"}}}}";
                await ws.SendAsync(text).DefaultTimeout();
                Assert.Equal(text, (await ws.ReceiveAsync().DefaultTimeout()).Text);
            }

            await ws.CloseAsync().DefaultTimeout();
        }

        Assert.True((await peerServer.StopAsync()).ExitCode == 0);
    }

    private static string Kind(MessageType type) => type == MessageType.Text ? "text" : "binary";

    /// <summary>A peer's interpreter and echo scripts, run with PEER_COMPRESSION=deflate.</summary>
    private sealed record Peer(string Program, string ClientScript, string ServerScript, Action Require)
    {
        private const string Env = "/usr/bin/env";
        private const string Compression = "PEER_COMPRESSION=deflate";

        public static Peer Named(string name) => name == "python"
            ? new(Peers.Python, "python_echo_client.py", "python_echo_server.py", Peers.RequirePythonWebsockets)
            : new(Peers.Node, "node_echo_client.mjs", "node_echo_server.mjs", Peers.RequireNodeWs);

        public Task<PeerRun> RunClientAsync(Uri uri, IEnumerable<string> specs)
        {
            Require();
            return Peers.RunToEndAsync(Env, [Compression, Program, Peers.Script(ClientScript), uri.ToString(), .. specs], TimeSpan.FromSeconds(180));
        }

        public Task<PeerServer> StartServerAsync()
        {
            Require();
            return PeerServer.StartAsync(Env, Compression, Program, Peers.Script(ServerScript));
        }
    }
}
