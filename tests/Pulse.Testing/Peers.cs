using System.Diagnostics;
using System.Text;

namespace Pulse.Testing;

/// <summary>
/// Real peers that nobody here wrote: Debian's python3 with python3-websockets, Node with the npm ws package.
/// A missing tool fails the test with what to install; it never skips.
/// </summary>
public static class Peers
{
    /// <summary>Debian's python3 (apt's python3-websockets lives there, not in the python3 first on PATH).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Node, from PATH; the npm ws package is installed under <see cref="Directory"/>.</summary>
    public const string Node = "node";

    /// <summary>The folder with the peer scripts and their node_modules (tests/peers in the repository).</summary>
    public static string Directory => s_directory.Value;

    private static readonly Lazy<string> s_directory = new(FindPeersDirectory);

    public static string Script(string name) => Path.Combine(Directory, name);

    public static void RequirePythonWebsockets()
    {
        var (code, _, _) = RunToEnd(Python, ["-c", "import websockets"], TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            throw new InvalidOperationException("Python websockets is missing: run `apt-get install -y python3-websockets` (scripts/test.sh does this).");
        }
    }

    public static void RequireNodeWs()
    {
        if (!File.Exists(Path.Combine(Directory, "node_modules", "ws", "package.json")))
        {
            throw new InvalidOperationException($"Node ws is missing: run `npm ci --prefix {Directory}` (scripts/test.sh does this).");
        }
    }

    /// <summary>Runs a program to its end within a deadline; kills it (by PID) if it overruns.</summary>
    public static (int ExitCode, string Output, string Error) RunToEnd(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null)
    {
        using var process = Start(fileName, arguments, redirectInput: standardInput is not null);
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TestTimeouts.Scaled(timeout)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Runs a program to its end within a deadline, without blocking a thread while it runs; kills it (by PID)
    /// if it overruns.
    /// </summary>
    public static async Task<PeerRun> RunToEndAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null)
    {
        var argumentList = arguments.ToList();
        using var process = Start(fileName, argumentList, redirectInput: true);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TestTimeouts.Scaled(timeout));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', argumentList)} did not finish within {TestTimeouts.Scaled(timeout)}");
        }

        return new PeerRun(process.ExitCode, await output, await error);
    }

    public static Process Start(string fileName, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
    }

    private static string FindPeersDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "peers");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/peers not found above " + AppContext.BaseDirectory);
    }
}
