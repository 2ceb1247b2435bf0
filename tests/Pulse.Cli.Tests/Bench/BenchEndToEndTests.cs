using System.Text.Json;
using System.Text.RegularExpressions;
using Pulse.Testing;

namespace Pulse.Cli.Tests.Bench;

/// <summary>
/// <c>pulse bench</c> against the real server, in-process, for one second. Speed is measured, never asserted
/// (DESIGN): these only check that messages flow and the report is complete.
/// </summary>
public sealed class BenchEndToEndTests
{
    [Fact]
    public async Task Echo_TwoConnections_OneSecond_CountsMessages()
    {
        await using var server = await PulseServerFixture.StartAsync();

        var (code, output, error) = await BenchCli.RunAsync(
            "bench", "echo", "--url", new Uri(server.BaseUri, "echo").ToString(), "--connections", "2", "--inflight", "4",
            "--duration", "1", "--warmup", "0", "--server-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var report = json.RootElement;
        Assert.Equal("echo", report.GetProperty("scenario").GetString());
        Assert.True(report.GetProperty("messages").GetInt64() > 0, output + error);
        Assert.True(report.GetProperty("msgs_per_s").GetDouble() > 0);
        Assert.Equal(0, report.GetProperty("connections_lost").GetInt32());
        Assert.Equal(JsonValueKind.Number, report.GetProperty("server_cpu_percent").ValueKind);
        Assert.Contains("opened 2 connections", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latency_FixedRate_OneSecond_AnswersEveryProbe()
    {
        await using var server = await PulseServerFixture.StartAsync();

        var (code, output, error) = await BenchCli.RunAsync(
            "bench", "latency", "--url", new Uri(server.BaseUri, "echo").ToString(), "--connections", "3", "--rate", "200",
            "--duration", "1", "--warmup", "0");

        Assert.True(code == 0, error);
        // The table: a label, two spaces or more, a value. Percentile labels repeat; the first set is from due time.
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Regex.Split(line.Trim(), @"\s{2,}"))
            .GroupBy(cells => cells[0])
            .ToDictionary(group => group.Key, group => group.First()[1]);
        Assert.Equal("200", rows["sent"]);
        Assert.Equal("200", rows["received"]);
        Assert.Equal("0", rows["unanswered"]);
        Assert.EndsWith(" ms", rows["p99.9"], StringComparison.Ordinal);
        Assert.DoesNotContain("server CPU", output, StringComparison.Ordinal);
    }
}
