using System.Text.RegularExpressions;
using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>The real program as a user runs it: `pulse serve` serves /echo and /healthz, and SIGTERM drains with 1001 and exits 0.</summary>
public sealed partial class ServeProcessTests
{
    [Fact]
    public async Task Serve_EchoesAndAnswersHealthz_ThenSigtermClosesClientsWith1001AndExitsZero()
    {
        using var serve = PulseProgram.Start("serve", "--listen", "127.0.0.1:0");
        try
        {
            var port = await ReadPortAsync(serve);
            using var http = new HttpClient();
            var health = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/healthz")).DefaultTimeout();
            var ws = await WebSocketClient.ConnectAsync($"ws://127.0.0.1:{port}/echo").DefaultTimeout();
            await ws.SendAsync("over the real program").DefaultTimeout();
            var echoed = await ws.ReceiveAsync().DefaultTimeout();
            var connect = PulseProgram.Run("from pulse connect\n", "connect", $"ws://127.0.0.1:{port}/echo");

            PulseProgram.Terminate(serve);
            var closed = await Assert.ThrowsAsync<ConnectionClosedOkException>(() => ws.ReceiveAsync().DefaultTimeout());
            Assert.True(serve.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromSeconds(30))));

            Assert.Equal("OK\n", health);
            Assert.Equal("over the real program", echoed.Text);
            Assert.Equal(0, connect.ExitCode);
            Assert.Contains("< from pulse connect", connect.Output, StringComparison.Ordinal);
            Assert.Equal(CloseCode.GoingAway, closed.Received?.Code);
            Assert.Equal(0, serve.ExitCode);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Serve_MetricsScrapedTwice_CountersMoveFromZeroWhilePulseConnectSessionsTalk()
    {
        using var serve = PulseProgram.Start("serve", "--listen", "127.0.0.1:0");
        try
        {
            var port = await ReadPortAsync(serve);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var first = await http.GetStringAsync(new Uri("metrics", UriKind.Relative)).DefaultTimeout();
            var echo = PulseProgram.Run("one\ntwo\n", "connect", $"ws://127.0.0.1:{port}/echo");
            var hub = PulseProgram.Run("""{"type":"subscribe","id":"1","payload":{"channel":"ops:room"}}""" + "\n", "connect", $"ws://127.0.0.1:{port}/ws", "--subprotocol", "pulse.v1.json");
            var second = await http.GetStringAsync(new Uri("metrics", UriKind.Relative)).DefaultTimeout();

            // A fresh process lists every instrument at zero, so the first scrape already has the series.
            Assert.Contains("\npulse_connections_total 0\n", "\n" + first, StringComparison.Ordinal);
            Assert.Contains("\npulse_connections_open 0\n", "\n" + first, StringComparison.Ordinal);
            Assert.Equal(0, echo.ExitCode);
            Assert.Equal(0, hub.ExitCode);
            Assert.Contains("\npulse_connections_total 2\n", "\n" + second, StringComparison.Ordinal);
            Assert.Matches(@"\npulse_messages_received_total\{type=""text""\} [1-9]", "\n" + second);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Connect_ServerDrainsWhileInputIsStillOpen_ExitsAndSaysHow()
    {
        using var serve = PulseProgram.Start("serve", "--listen", "127.0.0.1:0");
        using var connect = PulseProgram.Start("connect", "ws://127.0.0.1:" + await ReadPortAsync(serve) + "/ws", "--subprotocol", "pulse.v1.json");
        try
        {
            // The user has typed nothing and not closed the input: only the server's close can end the session.
            var welcome = await connect.StandardOutput.ReadLineAsync().DefaultTimeout();
            PulseProgram.Terminate(serve);
            var exited = connect.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromSeconds(20)));
            var error = exited ? await connect.StandardError.ReadToEndAsync().DefaultTimeout() : "";

            Assert.Contains("\"welcome\"", welcome, StringComparison.Ordinal);
            Assert.True(exited, "pulse connect kept running after the server closed the connection");
            Assert.Contains("Connection closed: 1012", error, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var process in new[] { connect, serve })
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }

    [Fact]
    public async Task Serve_Sigterm_HubClientGets1012EchoClientGets1001_ExitsZero()
    {
        using var serve = PulseProgram.Start("serve", "--listen", "127.0.0.1:0", "--drain-timeout", "20");
        try
        {
            var port = await ReadPortAsync(serve);
            var hub = await WebSocketClient.ConnectAsync($"ws://127.0.0.1:{port}/ws", new ClientOptions { Subprotocols = ["pulse.v1.json"] }).DefaultTimeout();
            var welcome = await hub.ReceiveAsync().DefaultTimeout();
            var echo = await WebSocketClient.ConnectAsync($"ws://127.0.0.1:{port}/echo").DefaultTimeout();

            PulseProgram.Terminate(serve);
            var hubClosed = await Assert.ThrowsAnyAsync<ConnectionClosedException>(() => hub.ReceiveAsync().DefaultTimeout());
            var echoClosed = await Assert.ThrowsAnyAsync<ConnectionClosedException>(() => echo.ReceiveAsync().DefaultTimeout());
            Assert.True(serve.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromSeconds(30))));
            var log = await serve.StandardError.ReadToEndAsync().DefaultTimeout();

            Assert.Contains("welcome", welcome.Text, StringComparison.Ordinal);
            Assert.Equal(CloseCode.ServiceRestart, hubClosed.Received?.Code);
            Assert.Equal("service restart", hubClosed.Received?.Reason);
            Assert.Equal(CloseCode.GoingAway, echoClosed.Received?.Code);
            Assert.Contains("Draining", log, StringComparison.Ordinal);
            Assert.Equal(0, serve.ExitCode);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Serve_PortInUse_OneLineAndExit1()
    {
        await using var holder = await PulseServerFixture.StartAsync();
        var port = holder.EndPoints[0].Port;

        var (code, output, error) = PulseProgram.Run(null, "serve", "--listen", $"127.0.0.1:{port}");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith($"pulse serve: cannot listen on 127.0.0.1:{port}", error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it, so binding it fails (EADDRNOTAVAIL).</summary>
    [Fact]
    public void Serve_AddressNotOnThisMachine_OneLineAndExit1()
    {
        var (code, output, error) = PulseProgram.Run(null, "serve", "--listen", "192.0.2.1:18770");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("pulse serve: cannot listen on 192.0.2.1:18770: ", SingleLine(error), StringComparison.Ordinal);
    }

    /// <summary>A port below net.ipv4.ip_unprivileged_port_start, as a user who may not bind it (EACCES).</summary>
    [Fact]
    public void Serve_PrivilegedPortAsAnOrdinaryUser_OneLineAndExit1()
    {
        var firstUnprivileged = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(firstUnprivileged > 1, "this machine lets anyone bind any port (net.ipv4.ip_unprivileged_port_start = 0): the case cannot arise here");
        var port = (firstUnprivileged - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // As root, run the program as nobody (setpriv, from util-linux); as anyone else, run it as is.
        string[] serve = [PulseProgram.Dll, "serve", "--listen", $"127.0.0.1:{port}"];
        var (code, output, error) = Environment.UserName == "root"
            ? Peers.RunToEnd("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", .. serve], TimeSpan.FromSeconds(60))
            : Peers.RunToEnd("dotnet", serve, TimeSpan.FromSeconds(60));

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"pulse serve: cannot listen on 127.0.0.1:{port}: Permission denied", SingleLine(error));
    }

    private static string SingleLine(string text)
    {
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0].TrimEnd('\r');
    }

    private static async Task<int> ReadPortAsync(System.Diagnostics.Process serve)
    {
        while (await serve.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60))) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("pulse serve exited before listening: " + await serve.StandardError.ReadToEndAsync());
    }

    [GeneratedRegex(@"listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex ListeningLine();
}
