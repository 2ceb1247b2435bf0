using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>DESIGN: a wrong flag or value gets a one-line message and a non-zero exit, never a stack trace.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PulseCommand.RunAsync(args, new StringReader(input), output, error).DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));
        return (code, output.ToString(), error.ToString());
    }

    private static string SingleLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0];
    }

    [Theory]
    [InlineData("serve --nope")]
    [InlineData("serve --listen")]
    [InlineData("serve --listen 127.0.0.1:notaport")]
    [InlineData("serve --drain-timeout -3")]
    [InlineData("serve --log-level loud")]
    [InlineData("serve --cert /nonexistent/server.pem")]
    [InlineData("connect")]
    [InlineData("connect http://127.0.0.1:1/")]
    [InlineData("connect ws://127.0.0.1:1/ --header NoColon")]
    [InlineData("frobnicate")]
    public async Task WrongFlagOrValue_OneLineAndExit2(string commandLine)
    {
        var (code, output, error) = await RunAsync("", commandLine.Split(' '));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("pulse: ", SingleLine(error), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_Unreachable_OneLineAndExit1()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (code, _, error) = await RunAsync("", "connect", $"ws://127.0.0.1:{port}/");

        Assert.Equal(1, code);
        Assert.Equal($"pulse connect: connection refused by 127.0.0.1:{port}", SingleLine(error).TrimEnd('\r'));
    }

    [Fact]
    public async Task Connect_SendsInputLines_PrintsReplies_ClosesCleanlyAtEndOfInput()
    {
        await using var server = await PulseServerFixture.StartAsync();

        var (code, output, error) = await RunAsync("hello\nwörld\n", "connect", new Uri(server.BaseUri, "echo").ToString());

        Assert.Equal(0, code);
        Assert.Equal("< hello\n< wörld\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("Connection closed: 1000 (OK).", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerRefusesUpgrade_SaysStatus()
    {
        await using var server = await PulseServerFixture.StartAsync(o => o.Origins = ["https://good.example"]);

        var (code, _, error) = await RunAsync("", "connect", "--origin", "https://evil.example", new Uri(server.BaseUri, "echo").ToString());

        Assert.Equal(1, code);
        Assert.StartsWith("pulse connect: server rejected WebSocket connection: HTTP 403", SingleLine(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var (code, output, _) = await RunAsync("", "--help");

        Assert.Equal(0, code);
        Assert.Contains("serve", output, StringComparison.Ordinal);
        Assert.Contains("connect", output, StringComparison.Ordinal);
    }
}
