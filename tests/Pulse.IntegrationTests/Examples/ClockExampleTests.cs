using System.Globalization;
using System.Net;
using Examples.Clock;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/Clock: the server pushes UTC timestamps; the page and the WebSocket share a port.</summary>
[Trait("Category", "Examples")]
public sealed class ClockExampleTests
{
    [Fact]
    public async Task Client_ReceivesSeveralUtcTimestamps_InOrder()
    {
        // Intervals of a few milliseconds instead of the example's 1 to 3 seconds.
        await using var clock = await ClockServer.StartAsync(0, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5)).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(clock.Port, "/ws")).DefaultTimeout();

        var times = new List<DateTimeOffset>();
        for (var i = 0; i < 5; i++)
        {
            var text = await ws.ReceiveTextAsync();
            Assert.EndsWith("Z", text, StringComparison.Ordinal);
            times.Add(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        }

        Assert.All(times, t => Assert.Equal(TimeSpan.Zero, t.Offset));
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task ThePage_IsServedAtTheRoot_AndConnectsToSlashWs()
    {
        await using var clock = await ClockServer.StartAsync(0).DefaultTimeout();
        using var http = new HttpClient();

        using var page = await http.GetAsync(new Uri($"http://127.0.0.1:{clock.Port}/")).DefaultTimeout();
        var html = await page.Content.ReadAsStringAsync().DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/ws`", html, StringComparison.Ordinal);
    }
}
