using System.Net;
using System.Security.Cryptography;
using Pulse.Protocol;
using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §5: what a server answers before the upgrade — 403, 426, 400, 503, ProcessRequest, deadlines.</summary>
public sealed class ServerHandshakeTests
{
    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task Upgrade_OriginNotAllowed_Refused403WithReason()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Origins = ["https://good.example"] });
        await using var raw = await RawWebSocket.ConnectTcpAsync(server.Port);
        await raw.SendRawAsync(RawWebSocket.BuildRequest(server.Port, "/", NewKey(), "Origin: https://evil.example"));

        var response = await raw.ReadResponseAsync();

        Assert.Equal(403, response.StatusCode);
        Assert.Contains("evil.example", response.Body, StringComparison.Ordinal);
        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task Upgrade_AllowedWildcardOrigin_Accepted()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Origins = ["https://*.good.example"] });
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { Origin = "https://app.good.example" }).DefaultTimeout();

        await ws.SendAsync("hi").DefaultTimeout();

        Assert.Equal("hi", (await ws.ReceiveAsync().DefaultTimeout()).Text);
    }

    [Fact]
    public async Task PlainGetOnWebSocketPath_Refused426()
    {
        await using var server = await LoopbackServer.StartEchoAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/chat")).DefaultTimeout();

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("Sec-WebSocket-Version").Single());
    }

    [Fact]
    public async Task PulseServe_PlainGetOnEcho_Refused426_AndHealthzAnswersOk()
    {
        await using var server = await PulseServerFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };

        using var echo = await http.GetAsync(new Uri("/echo", UriKind.Relative)).DefaultTimeout();
        var health = await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.UpgradeRequired, echo.StatusCode);
        Assert.Equal("OK\n", health);
    }

    [Theory]
    [InlineData("missing key", "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, "Sec-WebSocket-Key")]
    [InlineData("short key", "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, "Sec-WebSocket-Key")]
    [InlineData("no Connection: upgrade", "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400, "Connection")]
    [InlineData("version 8", "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426, "13")]
    public async Task BadHandshake_RefusedWithStatusAndReason(string name, string request, int status, string reasonMentions)
    {
        _ = name;
        await using var server = await LoopbackServer.StartEchoAsync();
        await using var raw = await RawWebSocket.ConnectTcpAsync(server.Port);
        await raw.SendRawAsync(request);

        var response = await raw.ReadResponseAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith("Failed to open a WebSocket connection", response.Body, StringComparison.Ordinal);
        Assert.Contains(reasonMentions, response.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ClientSendingNothing_DroppedAfterHandshakeTimeout()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(500) });
        await using var raw = await RawWebSocket.ConnectTcpAsync(server.Port);

        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task ClientSendingHalfAHead_DroppedAfterHandshakeTimeout()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(500) });
        await using var raw = await RawWebSocket.ConnectTcpAsync(server.Port);
        await raw.SendRawAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr");

        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task ProcessRequest_AnswersHealthCheckOnUpgradeAndPlainRequests()
    {
        var options = new ServerOptions
        {
            ProcessRequest = request => request.Path == "/healthz" ? HandshakeResponse.Text(200, "OK\n") : null,
        };
        await using var server = await LoopbackServer.StartEchoAsync(options);
        using var http = new HttpClient();

        var plain = await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.Port}/healthz")).DefaultTimeout();
        await using var raw = await RawWebSocket.ConnectTcpAsync(server.Port);
        await raw.SendRawAsync(RawWebSocket.BuildRequest(server.Port, "/healthz", NewKey()));
        var upgrade = await raw.ReadResponseAsync();
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri("/other")).DefaultTimeout();

        Assert.Equal("OK\n", plain);
        Assert.Equal(200, upgrade.StatusCode);
        Assert.Equal("OK\n", upgrade.Body);
        Assert.Equal(Protocol.ProtocolState.Open, ws.State);
    }

    [Fact]
    public async Task MaxConnections_ExcessUpgradeGets503_AndASlotFreesOnClose()
    {
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { MaxConnections = 2 });
        var first = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();
        await using var second = await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout();

        var refused = await Assert.ThrowsAsync<InvalidStatusException>(() => WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout());
        await first.CloseAsync().DefaultTimeout();
        await using var third = await ConnectWhenSlotFreeAsync(server.Uri());

        Assert.Equal(503, refused.StatusCode);
        Assert.Contains("too many connections", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Protocol.ProtocolState.Open, third.State);
    }

    [Fact]
    public async Task Subprotocol_ServerPreferenceAmongClientOffers()
    {
        await using var server = await LoopbackServer.StartAsync(
            async ws => await ws.SendAsync(ws.Subprotocol ?? "none"),
            new ServerOptions { Subprotocols = ["chat.v2", "chat.v1"] });
        await using var ws = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { Subprotocols = ["chat.v1", "chat.v2"] }).DefaultTimeout();

        var chosen = await ws.ReceiveAsync().DefaultTimeout();

        Assert.Equal("chat.v2", ws.Subprotocol);
        Assert.Equal("chat.v2", chosen.Text);
    }

    [Fact]
    public async Task KeepAliveRequestThenUpgradeOnSameConnection_ServedThroughHttpPipeline()
    {
        // The fast path reads only a connection's first request; a later upgrade arrives through ASP.NET Core.
        await using var server = await PulseServerFixture.StartAsync();
        var port = server.EndPoints[0].Port;
        await using var raw = await RawWebSocket.ConnectTcpAsync(port);
        await raw.SendRawAsync($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
        var health = await raw.ReadResponseAsync();
        await raw.SendRawAsync(RawWebSocket.BuildRequest(port, "/echo", NewKey()));
        var upgrade = await raw.ReadResponseAsync();
        await raw.SendTextAsync("through the pipeline");
        var echoed = await raw.ReceiveFrameAsync();

        Assert.Equal(200, health.StatusCode);
        Assert.Equal(101, upgrade.StatusCode);
        Assert.Equal("through the pipeline", echoed.PayloadText);
    }

    private static async Task<WebSocketConnection> ConnectWhenSlotFreeAsync(Uri uri)
    {
        // The server frees the slot once its side of the closed connection is torn down, just after the client sees it.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await WebSocketClient.ConnectAsync(uri).DefaultTimeout();
            }
            catch (InvalidStatusException e) when (e.StatusCode == 503 && attempt < 50)
            {
                await Task.Delay(20);
            }
        }
    }
}
