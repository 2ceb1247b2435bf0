using System.Globalization;
using System.Text.Json;
using Pulse.Testing;

namespace Pulse.Cli.Tests.Bench;

/// <summary>
/// The fan-out, idle and churn scenarios against the real server, in-process, for about a second each. Speed is
/// measured, never asserted (DESIGN): these check that the work happens and the report is complete.
/// </summary>
public sealed class BenchScenarioTests
{
    private static readonly string s_ownPid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Broadcast_ThreeSubscribers_CountsDeliveriesAndTheirLatency()
    {
        await using var server = await PulseServerFixture.StartAsync();

        var report = await RunJsonAsync("broadcast", Url(server, "broadcast"), "--connections", "3", "--window", "4", "--server-pid", s_ownPid);

        Assert.Equal("broadcast", report.GetProperty("scenario").GetString());
        Assert.Equal(3, report.GetProperty("subscribers").GetInt32());
        Assert.True(report.GetProperty("deliveries").GetInt64() > 0, report.ToString());
        Assert.True(report.GetProperty("delivery_p99_ms").GetDouble() > 0);
        Assert.Equal(0, report.GetProperty("connections_lost").GetInt32());
        Assert.Equal(JsonValueKind.Number, report.GetProperty("deliveries_per_server_cpu_s").ValueKind);
    }

    [Fact]
    public async Task Hub_ThreeSubscribersOfOneChannel_CountsDeliveriesWithoutRefusals()
    {
        await using var server = await PulseServerFixture.StartAsync();

        var report = await RunJsonAsync("hub", Url(server, "ws"), "--connections", "3", "--publishers", "2", "--window", "4");

        Assert.Equal("hub", report.GetProperty("scenario").GetString());
        Assert.True(report.GetProperty("deliveries").GetInt64() > 0);
        Assert.True(report.GetProperty("delivery_p50_ms").GetDouble() > 0);
        Assert.Equal(0, report.GetProperty("refused").GetInt64());
        Assert.Equal(0, report.GetProperty("connections_lost").GetInt32());
    }

    [Fact]
    public async Task Idle_TwentyConnections_ReportsHandshakesAndServerMemory()
    {
        await using var server = await PulseServerFixture.StartAsync();

        var report = await RunJsonAsync("idle", Url(server, "echo"), "--connections", "20", "--server-pid", s_ownPid, "--sources", "127.0.0.1,127.0.0.2");

        Assert.Equal(20, report.GetProperty("connections").GetInt32());
        Assert.True(report.GetProperty("handshakes_per_s").GetDouble() > 0);
        Assert.True(report.GetProperty("server_rss_after_kib").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, report.GetProperty("server_kib_per_connection").ValueKind);
        Assert.Equal(0, report.GetProperty("connections_lost").GetInt32());
    }

    [Theory]
    [InlineData("permessage-deflate", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12")]
    [InlineData("permessage-deflate; client_max_window_bits", "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12")]
    public async Task Idle_WithAnOffer_NegotiatesIt_AndEchoesOneCompressedMessageOnEachConnection(string offer, string answer)
    {
        await using var server = await PulseServerFixture.StartAsync();

        var report = await RunJsonAsync("idle", Url(server, "echo"), "--connections", "10", "--extensions", offer, "--size", "2000");

        Assert.Equal(offer, report.GetProperty("extensions_offered").GetString());
        Assert.Equal(answer, report.GetProperty("extensions_agreed").GetString());
        Assert.Equal(0, report.GetProperty("connections_lost").GetInt32());
    }

    [Fact]
    public async Task Idle_OfferDeclined_GoesOnUncompressed()
    {
        await using var server = await PulseServerFixture.StartAsync(options => options.Compression = false);

        var report = await RunJsonAsync("idle", Url(server, "echo"), "--connections", "3", "--extensions", "permessage-deflate");

        Assert.Equal("-", report.GetProperty("extensions_agreed").GetString());
        Assert.Equal(0, report.GetProperty("connections_lost").GetInt32());
    }

    [Fact]
    public async Task Churn_TwoWorkers_OpensAndClosesConnections()
    {
        await using var server = await PulseServerFixture.StartAsync();

        var report = await RunJsonAsync("churn", Url(server, "echo"), "--connections", "2");

        Assert.True(report.GetProperty("connections").GetInt64() > 0);
        Assert.True(report.GetProperty("connections_per_s").GetDouble() > 0);
        Assert.Equal(0, report.GetProperty("workers_failed").GetInt32());
    }

    private static string Url(Pulse.Server.PulseServer server, string path) => new Uri(server.BaseUri, path).ToString();

    private static async Task<JsonElement> RunJsonAsync(string scenario, string url, params string[] args)
    {
        var (code, output, error) = await BenchCli.RunAsync(["bench", scenario, "--url", url, "--duration", "1", "--warmup", "0", "--json", .. args]);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }
}
