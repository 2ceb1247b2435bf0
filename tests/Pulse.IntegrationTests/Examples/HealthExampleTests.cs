using System.Net;
using Examples.Health;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/Health: /healthz and the WebSocket on one port; /healthz turns 503 while draining.</summary>
[Trait("Category", "Examples")]
public sealed class HealthExampleTests
{
    [Fact]
    public async Task Healthz_Answers200_AndTheWebSocketWorksOnTheSamePort()
    {
        await using var server = await HealthServer.StartAsync(0).DefaultTimeout();
        using var http = new HttpClient();

        using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/healthz")).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();
        await ws.SendAsync("still here").DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("OK\n", await health.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal("still here", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task WhileDraining_HealthzAnswers503()
    {
        await using var server = await HealthServer.StartAsync(0).DefaultTimeout();
        using var http = new HttpClient();

        // A client that has not answered the server's 1001 yet keeps the server draining.
        await using var ws = await RawWebSocket.OpenAsync(server.Port);
        var stopping = server.StopAsync();
        var close = await ws.ReceiveCloseAsync().DefaultTimeout();
        using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/healthz")).DefaultTimeout();
        await ws.SendCloseAsync(1001);
        await stopping.DefaultTimeout();

        Assert.Equal(1001, close.CloseCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}
