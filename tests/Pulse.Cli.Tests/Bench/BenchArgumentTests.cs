namespace Pulse.Cli.Tests.Bench;

/// <summary>DESIGN: a wrong flag or value gets one line and exit 2. A run is always bounded (at most 600 s).</summary>
public sealed class BenchArgumentTests
{
    [Theory]
    [InlineData("bench")]
    [InlineData("bench frobnicate")]
    [InlineData("bench echo --nope")]
    [InlineData("bench echo --connections many")]
    [InlineData("bench echo --connections 0")]
    [InlineData("bench echo --connections 100001")]
    [InlineData("bench echo --inflight 0")]
    [InlineData("bench echo --size -1")]
    [InlineData("bench echo --size 1048577")]
    [InlineData("bench echo --duration 0")]
    [InlineData("bench echo --duration -1")]
    [InlineData("bench echo --duration 601")]
    [InlineData("bench echo --duration NaN")]
    [InlineData("bench echo --warmup 601")]
    [InlineData("bench echo --warmup -1")]
    [InlineData("bench echo --url http://127.0.0.1:8765/echo")]
    [InlineData("bench echo --url wss://127.0.0.1:8765/echo")]
    [InlineData("bench echo --url ws://example.com/echo")]
    [InlineData("bench echo --url ws://[::1]:8765/echo")]
    [InlineData("bench echo --sources 10.0.0.1")]
    [InlineData("bench echo --sources 127.0.0.1,nope")]
    [InlineData("bench echo --server-pid 0")]
    [InlineData("bench echo --server-pid 2147483647")]
    [InlineData("bench latency --size 15")]
    [InlineData("bench latency --rate 0")]
    [InlineData("bench latency --duration 3600")]
    [InlineData("bench broadcast --window 0")]
    [InlineData("bench broadcast --size 7")]
    [InlineData("bench broadcast --publish-rate 0")]
    [InlineData("bench hub --publishers 0")]
    [InlineData("bench hub --size 18")]
    [InlineData("bench idle --connections 0")]
    [InlineData("bench idle --extensions x-webkit-deflate-frame")]
    [InlineData("bench idle --extensions permessage-deflate;mem_level=4")]
    [InlineData("bench idle --extensions permessage-deflate;server_max_window_bits=16")]
    [InlineData("bench idle --extensions permessage-deflate,permessage-deflate")]
    [InlineData("bench churn --duration 601")]
    [InlineData("bench echo --pin 64")]
    [InlineData("bench echo --pin 3-1")]
    [InlineData("bench echo --pin one")]
    public async Task WrongFlagOrValue_OneLineAndExit2(string commandLine)
    {
        var (code, output, error) = await BenchCli.RunAsync(commandLine.Split(' '));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("pulse: ", BenchCli.SingleLine(error), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--duration 601", "--duration 601: at most 600 seconds")]
    [InlineData("--url ws://example.com/echo", "loopback")]
    [InlineData("--sources 10.0.0.1", "not a loopback address")]
    public async Task Echo_ErrorsNameTheFlagAndWhy(string flags, string expected)
    {
        var (_, _, error) = await BenchCli.RunAsync(["bench", "echo", .. flags.Split(' ')]);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_NoServer_OneLineAndExit1()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (code, output, error) = await BenchCli.RunAsync("bench", "echo", "--url", $"ws://127.0.0.1:{port}/echo", "--connections", "1", "--duration", "1", "--warmup", "0");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith($"pulse bench: connection 1 of 1: cannot connect from 127.0.0.1 to 127.0.0.1:{port}", BenchCli.SingleLine(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheScenarios()
    {
        var (code, output, _) = await BenchCli.RunAsync("bench", "--help");

        Assert.Equal(0, code);
        Assert.Contains("echo", output, StringComparison.Ordinal);
        Assert.Contains("latency", output, StringComparison.Ordinal);
    }
}
