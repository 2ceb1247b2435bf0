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

    /// <summary>No .NET type names ('System.Double') or C# parameter names ("(Parameter 'secret')") reach the user.</summary>
    [Theory]
    [InlineData("serve --drain-timeout abc", "pulse: --drain-timeout 'abc': expected a positive number of seconds")]
    [InlineData("serve --log-level loud", "pulse: --log-level 'loud': expected Trace, Debug, Information, Warning, Error, Critical or None")]
    [InlineData("token --user alice --ttl soon", "pulse: --ttl 'soon': expected a number (see 'pulse --help')")]
    [InlineData("token --user alice --secret short", "pulse: --secret: The token secret must be at least 32 characters (HS256 needs a 256-bit key).")]
    [InlineData("bench echo --connections many", "pulse: --connections 'many': expected a whole number (see 'pulse --help')")]
    public async Task WrongValue_SaysWhatIsExpected_InTheUsersTerms(string commandLine, string expected)
    {
        var (code, _, error) = await RunAsync("", commandLine.Split(' '));

        Assert.Equal(2, code);
        Assert.Equal(expected, SingleLine(error).TrimEnd('\r'));
    }

    [Theory]
    [InlineData("--subprotocol", "two,words")]
    [InlineData("--origin", "https://a.example\u0001")]
    public async Task Connect_ValueTheHandshakeCannotCarry_OneLineWithoutParameterName(string flag, string value)
    {
        // A listening socket is enough: the handshake is built once TCP connects.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();

        var (code, _, error) = await RunAsync("", "connect", $"ws://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/", flag, value);

        Assert.Equal(2, code);
        Assert.StartsWith("pulse: ", SingleLine(error), StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
    }

    /// <summary>The finding: a refusal with a chunked body printed "HTTP 401: 1d", the chunk's size.</summary>
    [Fact]
    public async Task Connect_RefusedWithAChunkedBody_PrintsTheServersMessage()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[4096];
            _ = await stream.ReadAsync(request);
            await stream.WriteAsync("HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n1d\r\nUnauthorized: invalid token.\n\r\n0\r\n\r\n"u8.ToArray());

            // Keep the connection open, as a keep-alive server does: the client must not wait for the close.
            _ = await stream.ReadAsync(request);
        });

        var (code, _, error) = await RunAsync("", "connect", $"ws://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/ws");
        await serving.DefaultTimeout();

        Assert.Equal(1, code);
        Assert.Equal("pulse connect: server rejected WebSocket connection: HTTP 401: Unauthorized: invalid token.", SingleLine(error).TrimEnd('\r'));
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
