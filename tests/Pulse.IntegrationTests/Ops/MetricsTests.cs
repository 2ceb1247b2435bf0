using System.Globalization;
using System.Net;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Ops;

/// <summary>pulse serve's /readyz and /metrics (Prometheus text) while clients talk.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_ScrapedTwiceWhileClientsTalk_CountersMove()
    {
        await using var server = await PulseServerFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        var before = await ScrapeAsync(http);

        await using (var subscriber = await ConnectHubAsync(server))
        await using (var publisher = await ConnectHubAsync(server))
        {
            await subscriber.SubscribeAsync("metrics:room");
            await publisher.PublishAsync("metrics:room", new { text = "hello" });
            await subscriber.NextMessageAsync();
        }

        var echo = await WebSocketClient.ConnectAsync(new Uri(server.BaseUri, "echo")).DefaultTimeout();
        await echo.SendAsync(new byte[] { 1, 2, 3 }).DefaultTimeout();
        await echo.ReceiveAsync().DefaultTimeout();
        await echo.CloseAsync().DefaultTimeout();
        var after = await ScrapeAsync(http);

        Assert.True(Value(after.Text, "pulse_connections_total") >= Value(before.Text, "pulse_connections_total") + 3);
        Assert.True(Value(after.Text, "pulse_messages_received_total{type=\"text\"}") > Value(before.Text, "pulse_messages_received_total{type=\"text\"}"));
        Assert.True(Value(after.Text, "pulse_messages_received_bytes_total{type=\"binary\"}") >= Value(before.Text, "pulse_messages_received_bytes_total{type=\"binary\"}") + 3);
        Assert.True(Value(after.Text, "pulse_messages_sent_total{type=\"text\"}") > Value(before.Text, "pulse_messages_sent_total{type=\"text\"}"));
        Assert.True(Value(after.Text, "pulse_hub_publications_total") > Value(before.Text, "pulse_hub_publications_total"));
        Assert.True(Value(after.Text, "pulse_hub_delivery_latency_seconds_count") > Value(before.Text, "pulse_hub_delivery_latency_seconds_count"));
        Assert.Contains("# TYPE pulse_hub_delivery_latency_seconds histogram\n", after.Text, StringComparison.Ordinal);
        Assert.Contains("pulse_hub_delivery_latency_seconds_bucket{le=\"+Inf\"} ", after.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE pulse_connections_open gauge\n", after.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE pulse_hub_acks_failed_total counter\n", after.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE pulse_hub_engine_errors_total counter\n", after.Text, StringComparison.Ordinal);
        Assert.StartsWith("text/plain", after.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_ReadyWhileRunning_503OnceStopping()
    {
        var server = await PulseServerFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };

        var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative)).DefaultTimeout();
        var health = await http.GetAsync(new Uri("healthz", UriKind.Relative)).DefaultTimeout();
        await server.DisposeAsync();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(server.IsReady);
    }

    private static async Task<HubTestClient> ConnectHubAsync(Pulse.Server.PulseServer server)
    {
        var client = new HubTestClient(await WebSocketClient.ConnectAsync(new Uri(server.BaseUri, "ws"), new ClientOptions { Subprotocols = ["pulse.v1.json"] }).DefaultTimeout());
        client.Welcome = await client.ExpectAsync("welcome");
        return client;
    }

    private static async Task<(string Text, string ContentType)> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("metrics", UriKind.Relative)).DefaultTimeout();
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString() ?? "");
    }

    /// <summary>The value of one sample line (name with its labels), 0 when absent.</summary>
    private static double Value(string metrics, string sample)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

}
