using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Pulse.Testing;

namespace Pulse.PackageTests;

/// <summary>The built <c>pulse serve</c> on a free loopback port (the playground: the hub at /ws, anonymous); killed by its PID.</summary>
internal sealed partial class PulseServe : IDisposable
{
    private readonly Process _process;

    private PulseServe(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Hub => new($"ws://127.0.0.1:{Port}/ws");

    public static async Task<PulseServe> StartAsync(LocalFeed feed)
    {
        var process = DotnetCommand.Start("dotnet", feed.Root, [feed.PulseCliDll, "serve", "--listen", "127.0.0.1:0"]);
        try
        {
            var error = process.StandardError.ReadToEndAsync();
            while (await process.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60))) is { } line)
            {
                if (Listening().Match(line) is { Success: true } match)
                {
                    return new PulseServe(process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }

            throw new InvalidOperationException("pulse serve exited before listening: " + await error);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public void Dispose() => Stop(_process);

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    [GeneratedRegex(@"listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex Listening();
}
