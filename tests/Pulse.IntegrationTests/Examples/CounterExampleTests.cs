using System.Net;
using System.Text.Json;
using Examples.Counter;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/Counter: one value for everyone, the online count, and the page on the same port.</summary>
[Trait("Category", "Examples")]
public sealed class CounterExampleTests
{
    [Fact]
    public async Task ThreeClients_SeeEveryChangeAndTheUserCount_AndTheCountDropsWhenOneLeaves()
    {
        await using var counter = await CounterServer.StartAsync(0).DefaultTimeout();

        await using var first = await ConnectAsync(counter);
        Assert.Equal(["users 1", "state 0"], await NextEventsAsync(first, 2));

        await using var second = await ConnectAsync(counter);
        Assert.Equal(["users 2", "state 0"], await NextEventsAsync(second, 2));
        Assert.Equal(["users 2"], await NextEventsAsync(first, 1));

        await using var third = await ConnectAsync(counter);
        Assert.Equal(["users 3", "state 0"], await NextEventsAsync(third, 2));
        Assert.Equal(["users 3"], await NextEventsAsync(first, 1));
        Assert.Equal(["users 3"], await NextEventsAsync(second, 1));

        // One change at a time, so the order of the values is known.
        (WebSocketConnection Sender, string Action, string Expected)[] changes =
            [(first, "plus", "state 1"), (first, "plus", "state 2"), (second, "minus", "state 1")];
        foreach (var (sender, action, expected) in changes)
        {
            await sender.SendAsync($$"""{"action":"{{action}}"}""").DefaultTimeout();
            foreach (var client in new[] { first, second, third })
            {
                Assert.Equal([expected], await NextEventsAsync(client, 1));
            }
        }

        await third.CloseAsync().DefaultTimeout();
        Assert.Equal(["users 2"], await NextEventsAsync(first, 1));
        Assert.Equal(["users 2"], await NextEventsAsync(second, 1));
    }

    [Fact]
    public async Task UnsupportedMessages_AreIgnored_AndTheConnectionStaysOpen()
    {
        await using var counter = await CounterServer.StartAsync(0).DefaultTimeout();
        await using var ws = await ConnectAsync(counter);
        await NextEventsAsync(ws, 2);

        await ws.SendAsync("not json").DefaultTimeout();
        await ws.SendAsync("""{"action":"times"}""").DefaultTimeout();
        await ws.SendAsync("""{"action":"plus"}""").DefaultTimeout();

        Assert.Equal(["state 1"], await NextEventsAsync(ws, 1));
    }

    [Fact]
    public async Task Origins_LetThePageConnect_AndRefuseOtherSitesWith403()
    {
        await using var counter = await CounterServer.StartAsync(0, ["http://counter.example"]).DefaultTimeout();

        await using var page = await WebSocketClient.ConnectAsync(ExampleKit.Ws(counter.Port), new ClientOptions { Origin = "http://counter.example" }).DefaultTimeout();
        var refused = await Assert.ThrowsAsync<InvalidStatusException>(
            () => WebSocketClient.ConnectAsync(ExampleKit.Ws(counter.Port), new ClientOptions { Origin = "https://evil.example" }).DefaultTimeout());

        Assert.Equal(["users 1", "state 0"], await NextEventsAsync(page, 2));
        Assert.Equal(403, refused.StatusCode);
    }

    [Fact]
    public async Task ThePage_IsServedOnTheSamePort_WithAccessibleControls()
    {
        await using var counter = await CounterServer.StartAsync(0).DefaultTimeout();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{counter.Port}/") };

        using var page = await http.GetAsync("/").DefaultTimeout();
        var html = await page.Content.ReadAsStringAsync().DefaultTimeout();
        using var missing = await http.GetAsync("/nope").DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("""<output id="value" aria-live="polite" """, html, StringComparison.Ordinal);
        Assert.Contains("""aria-label="Plus one" """, html, StringComparison.Ordinal);
        Assert.Contains("""aria-label="Minus one" """, html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static Task<WebSocketConnection> ConnectAsync(CounterServer counter) =>
        WebSocketClient.ConnectAsync(ExampleKit.Ws(counter.Port)).DefaultTimeout();

    /// <summary>The next <paramref name="count"/> events, each as "state N" or "users N".</summary>
    private static async Task<List<string>> NextEventsAsync(WebSocketConnection ws, int count)
    {
        var events = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var json = JsonDocument.Parse(await ws.ReceiveTextAsync());
            var type = json.RootElement.GetProperty("type").GetString();
            var number = json.RootElement.GetProperty(type == "state" ? "value" : "count").GetInt32();
            events.Add($"{type} {number}");
        }

        return events;
    }
}
