using System.Diagnostics;
using System.Globalization;

namespace Pulse.Testing;

/// <summary>
/// A peer server process (such as tests/peers/python_echo_server.py): started, its port read from its first
/// stdout line; stopped by closing its stdin, and killed by PID only if it does not exit within the deadline.
/// </summary>
public sealed class PeerServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;
    private readonly string _description;
    private Task<PeerRun>? _stopping;

    private PeerServer(Process process, int port, Task<string> output, Task<string> error, string description)
    {
        _process = process;
        Port = port;
        _output = output;
        _error = error;
        _description = description;
    }

    public int Port { get; }

    public Uri Uri(string path = "/") => new($"ws://127.0.0.1:{Port}{path}");

    public static async Task<PeerServer> StartAsync(string fileName, params string[] arguments)
    {
        var description = $"{fileName} {string.Join(' ', arguments)}";
        var process = Peers.Start(fileName, arguments, redirectInput: true);
        var error = process.StandardError.ReadToEndAsync();
        string? firstLine;
        try
        {
            firstLine = await process.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(30)));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new TimeoutException($"{description} printed no port within 30 s");
        }

        if (!int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            process.StandardInput.Close();
            var exited = process.WaitForExit(TestTimeouts.Scaled(TimeSpan.FromSeconds(10)));
            if (!exited)
            {
                process.Kill(entireProcessTree: true);
            }

            var stderr = exited ? await error : "";
            process.Dispose();
            throw new InvalidOperationException($"{description} did not print its port: '{firstLine}'. {stderr}");
        }

        return new PeerServer(process, port, process.StandardOutput.ReadToEndAsync(), error, description);
    }

    /// <summary>Closes the server's stdin and waits for it to exit; returns its exit code and its output after the port line.</summary>
    public Task<PeerRun> StopAsync()
    {
        lock (_process)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task<PeerRun> StopCoreAsync()
    {
        _process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TestTimeouts.Scaled(TimeSpan.FromSeconds(30)));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_description} did not exit within 30 s of its stdin closing");
        }

        return new PeerRun(_process.ExitCode, await _output, await _error);
    }
}
