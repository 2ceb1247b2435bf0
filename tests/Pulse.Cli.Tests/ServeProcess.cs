using System.Diagnostics;
using System.Text.RegularExpressions;
using Pulse.Testing;

namespace Pulse.Cli.Tests;

/// <summary>
/// A running <c>pulse serve</c> process: its port, the line it printed on stdout, and its log (stderr) as it
/// comes, so a test can wait for a line the server logged. Killed by its PID when disposed.
/// </summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly SemaphoreSlim _logged = new(0);

    private ServeProcess(Process process, int port, string listeningLine)
    {
        _process = process;
        Port = port;
        ListeningLine = listeningLine;
    }

    public int Port { get; }

    /// <summary>What <c>pulse serve</c> printed on stdout when it started listening.</summary>
    public string ListeningLine { get; }

    public Uri Http(string path) => new($"http://127.0.0.1:{Port}{path}");

    public Uri Ws(string path) => new($"ws://127.0.0.1:{Port}{path}");

    /// <summary>The log so far, one line each.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>Starts <c>pulse serve --listen 127.0.0.1:0</c> with <paramref name="arguments"/> and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(params string[] arguments)
    {
        var process = PulseProgram.Start(["serve", "--listen", "127.0.0.1:0", .. arguments]);
        try
        {
            while (await process.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60))) is { } line)
            {
                if (Listening().Match(line) is { Success: true } match)
                {
                    var serve = new ServeProcess(process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), line);
                    process.ErrorDataReceived += (_, e) => serve.Add(e.Data);
                    process.BeginErrorReadLine();
                    return serve;
                }
            }

            throw new InvalidOperationException("pulse serve exited before listening: " + await process.StandardError.ReadToEndAsync());
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the log has a line containing <paramref name="text"/>, and returns it.</summary>
    public async Task<string> WaitForLogAsync(string text)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            lock (_log)
            {
                if (_log.Find(line => line.Contains(text, StringComparison.Ordinal)) is { } found)
                {
                    return found;
                }
            }

            try
            {
                await _logged.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"pulse serve did not log '{text}'; its log:\n{Log}");
            }
        }
    }

    public void Dispose()
    {
        Stop(_process);
        _process.Dispose();
        _logged.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }

        _logged.Release();
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    [GeneratedRegex(@"listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex Listening();
}
