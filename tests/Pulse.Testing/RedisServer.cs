using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pulse.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence, stopped by its PID. Restarting keeps
/// the port and loses every key, as a Redis without persistence does.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string[] _arguments;
    private Process? _process;

    private RedisServer(int port, string[] arguments)
    {
        Port = port;
        _arguments = arguments;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(params string[] extraArguments)
    {
        var port = LoopbackPorts.Free();
        var server = new RedisServer(port, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArguments]);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>A server on a port chosen by the caller (a cluster node needs port + 10000 free too).</summary>
    public static async Task<RedisServer> StartOnAsync(int port, params string[] extraArguments)
    {
        var server = new RedisServer(port, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extraArguments]);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Whether its process runs now.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A server not started yet, on a port free now: for a client that must come up first.</summary>
    public static RedisServer NotStarted()
    {
        var port = LoopbackPorts.Free();
        return new RedisServer(port, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>Starts a server made by <see cref="NotStarted"/>.</summary>
    public Task StartAsync() => StartProcessAsync();

    /// <summary>A server speaking only TLS on its port, with the given PEM certificate and key.</summary>
    public static async Task<RedisServer> StartTlsAsync(string certificatePath, string keyPath)
    {
        var port = LoopbackPorts.Free();
        var server = new RedisServer(port, ["--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls-cert-file", certificatePath, "--tls-key-file", keyPath, "--tls-ca-cert-file", certificatePath, "--tls-auth-clients", "no"]);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server (SIGKILL, by PID) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(TestTimeouts.Default);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port, empty.</summary>
    public Task RestartAsync()
    {
        Kill();
        return StartProcessAsync();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private static string Executable() => Tool("redis-server");

    /// <summary>The path of a Redis program (redis-server, redis-cli, redis-sentinel), or a failure saying what to install.</summary>
    public static string Tool(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var package = name == "redis-sentinel" ? "redis-sentinel" : "redis-server";
        throw new InvalidOperationException($"{name} not found: install {package} (Debian: apt-get install {package}; scripts/test.sh does this)");
    }

    private async Task StartProcessAsync()
    {
        _process = Peers.Start(Executable(), ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. _arguments]);

        // Ready once it accepts a connection (a restart may briefly find the old socket closing).
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(20);
            }
            catch (SocketException e)
            {
                var output = _process.HasExited ? await _process.StandardOutput.ReadToEndAsync() : "";
                throw new InvalidOperationException($"redis-server did not start on port {Port}: {e.Message} {output}");
            }
        }
    }
}
