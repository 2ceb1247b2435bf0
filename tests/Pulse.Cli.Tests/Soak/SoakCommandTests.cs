using System.Text.Json;
using Pulse.Cli.Tests.Bench;

namespace Pulse.Cli.Tests.Soak;

/// <summary>
/// <c>pulse bench soak</c>, short: 150 clients churning through a relay that cuts 5% of connections every quarter
/// second, 4 checked subscribers, a burst of 5,000 acknowledged messages. Alone in its collection, since it
/// measures the process's heap.
/// </summary>
[Collection(nameof(SoakCollection))]
public sealed class SoakCommandTests
{
    [Fact]
    public async Task ShortSoak_EveryAcknowledgedMessageOnce_NothingLeftBehind()
    {
        var (code, output, error) = await BenchCli.RunAsync(
            "bench", "soak", "--duration", "8", "--clients", "150", "--subscribers", "4", "--messages", "5000", "--drops", "0.05", "--json");

        using var json = JsonDocument.Parse(output);
        var report = json.RootElement;
        Assert.True(code == 0, $"{output}\n{error}");
        Assert.True(report.GetProperty("passed").GetBoolean(), output);
        Assert.Equal(5000, report.GetProperty("acknowledged").GetInt64());
        Assert.Equal(4 * 5000, report.GetProperty("deliveries").GetInt64());
        Assert.Equal(0, report.GetProperty("lost").GetInt64());
        Assert.Equal(0, report.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, report.GetProperty("connections_left").GetInt64());
        Assert.Equal(0, report.GetProperty("channels_left").GetInt64());
        Assert.True(report.GetProperty("cuts").GetInt64() > 0, "the relay cut no connection: the soak tested no network drop");
        Assert.True(report.GetProperty("client_sessions").GetInt64() > 150, "the clients did not reconnect");
    }

    [Theory]
    [InlineData("--drops", "2")]
    [InlineData("--clients", "-1")]
    [InlineData("--duration", "0")]
    [InlineData("--messages", "0")]
    public async Task WrongFlag_OneLineError_NonZeroExit(string flag, string value)
    {
        var (code, _, error) = await BenchCli.RunAsync("bench", "soak", flag, value);

        Assert.NotEqual(0, code);
        Assert.Contains(flag, BenchCli.SingleLine(error), StringComparison.Ordinal);
    }
}

/// <summary>The soak runs alone: its heap check must not see other tests' live objects.</summary>
[CollectionDefinition(nameof(SoakCollection), DisableParallelization = true)]
public sealed class SoakCollection;
