using System.Net;
using System.Net.Sockets;
using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §6: the client says what failed, tunnels through proxies, and reconnects forever with backoff.</summary>
public sealed class ClientTests
{
    [Fact]
    public async Task Connect_NothingListening_SaysConnectionRefused()
    {
        var port = LoopbackPorts.Free();

        var error = await Assert.ThrowsAsync<ConnectFailedException>(() => WebSocketClient.ConnectAsync($"ws://127.0.0.1:{port}/").DefaultTimeout());

        Assert.Equal($"connection refused by 127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task Connect_UnresolvableHost_NamesTheHost()
    {
        var error = await Assert.ThrowsAsync<ConnectFailedException>(
            () => WebSocketClient.ConnectAsync("ws://no-such-host.invalid/", new ClientOptions { OpenTimeout = TimeSpan.FromSeconds(10) }).DefaultTimeout());

        Assert.Contains("no-such-host.invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerRefusesWith403_ReportsStatusAndBodyFirstLine()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Origins = ["https://good.example"] });

        var error = await Assert.ThrowsAsync<InvalidStatusException>(
            () => WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { Origin = "https://evil.example" }).DefaultTimeout());

        Assert.Equal(403, error.StatusCode);
        Assert.StartsWith("Failed to open a WebSocket connection", error.BodyFirstLine, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerAnswersWithWrongAccept_InvalidHandshake()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            await stream.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCB2YWx1ZQ==\r\n\r\n"u8.ToArray());
            await Task.Delay(500);
        });

        var error = await Assert.ThrowsAsync<InvalidHandshakeException>(
            () => WebSocketClient.ConnectAsync($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/").DefaultTimeout());
        await serving.DefaultTimeout();

        Assert.IsNotType<InvalidStatusException>(error);
        Assert.Contains("Sec-WebSocket-Accept", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Connect_ThroughHttpProxy_TunnelsWithConnect()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var proxy = new TestConnectProxy();

        await using var ws = await WebSocketClient.ConnectAsync(server.Uri("/via-proxy"), new ClientOptions { Proxy = proxy.Uri }).DefaultTimeout();
        await ws.SendAsync("tunnelled").DefaultTimeout();

        Assert.Equal("tunnelled", (await ws.ReceiveAsync().DefaultTimeout()).Text);
        Assert.Equal([$"127.0.0.1:{server.Port}"], proxy.Targets);
    }

    [Fact]
    public async Task Connect_ProxyRefuses_SaysSo()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var proxy = new TestConnectProxy(refuse: true);

        var error = await Assert.ThrowsAsync<ConnectFailedException>(
            () => WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { Proxy = proxy.Uri }).DefaultTimeout());

        Assert.Contains("refused CONNECT", error.Message, StringComparison.Ordinal);
        Assert.Contains("407", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectForever_SurvivesAServerRestart()
    {
        var first = await LoopbackServer.StartEchoAsync();
        var port = first.Port;
        var options = new ClientOptions { ReconnectInitialDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(200) };
        LoopbackServer? second = null;
        var replies = new List<string>();
        using var stop = new CancellationTokenSource(TestTimeouts.Scaled(TimeSpan.FromSeconds(30)));

        await foreach (var ws in WebSocketClient.ConnectForeverAsync(new Uri($"ws://127.0.0.1:{port}/"), options, stop.Token))
        {
            await ws.SendAsync($"attempt {replies.Count}");
            replies.Add((await ws.ReceiveAsync()).Text);
            if (replies.Count == 2)
            {
                break;
            }

            // The server goes away and comes back on the same port while the client keeps trying.
            await first.DisposeAsync();
            second = await StartOnPortAsync(port);
        }

        await (second?.DisposeAsync() ?? ValueTask.CompletedTask);
        Assert.Equal(["attempt 0", "attempt 1"], replies);
    }

    [Fact]
    public async Task ConnectForever_HandshakeRefusedWith403_IsNotRetried()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Origins = ["https://good.example"] });
        var options = new ClientOptions { Origin = "https://evil.example", ReconnectInitialDelay = TimeSpan.FromMilliseconds(10) };

        var error = await Assert.ThrowsAsync<InvalidStatusException>(async () =>
        {
            await foreach (var _ in WebSocketClient.ConnectForeverAsync(server.Uri(), options))
            {
            }
        }).DefaultTimeout();

        Assert.Equal(403, error.StatusCode);
    }

    private static async Task<LoopbackServer> StartOnPortAsync(int port)
    {
        // The port was just released; binding again can race the kernel for a moment.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var server = await WebSocketServer.StartAsync(
                    async ws =>
                    {
                        await foreach (var message in ws)
                        {
                            await ws.SendAsync(message);
                        }
                    },
                    "127.0.0.1",
                    port);
                return await LoopbackServer.AdoptAsync(server);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }
    }
}
