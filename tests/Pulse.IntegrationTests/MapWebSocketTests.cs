using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §4: app.MapWebSocket runs the same core inside an existing ASP.NET Core app, with or without the Kestrel fast path.</summary>
public sealed class MapWebSocketTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MapWebSocket_InAnExistingApp_EchoesBesideOrdinaryEndpoints(bool fastPath)
    {
        await using var host = await AspNetApp.StartAsync(fastPath, app =>
        {
            app.MapGet("/hello", () => Results.Text("world"));
            app.MapWebSocket("/ws", async ws =>
            {
                await foreach (var message in ws)
                {
                    await ws.SendAsync($"{ws.Path}: {message.Text}");
                }
            });
        });
        var port = host.Port;

        await using var ws = await WebSocketClient.ConnectAsync($"ws://127.0.0.1:{port}/ws").DefaultTimeout();
        await ws.SendAsync("ping").DefaultTimeout();
        var reply = await ws.ReceiveAsync().DefaultTimeout();
        using var http = new HttpClient();
        var hello = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/hello")).DefaultTimeout();
        await ws.CloseAsync().DefaultTimeout();
        await host.App.StopAsync().DefaultTimeout();

        Assert.Equal("/ws: ping", reply.Text);
        Assert.Equal("world", hello);
    }
}
