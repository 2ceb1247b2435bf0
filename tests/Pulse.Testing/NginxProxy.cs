using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pulse.Testing;

/// <summary>
/// Debian's nginx, run in the foreground from a temporary prefix with a site configuration of the test's choosing,
/// on a free loopback port; stopped by PID on dispose. A missing nginx fails with what to install.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly string _prefix;
    private readonly StringBuilder _log;

    private NginxProxy(Process process, string prefix, int port, StringBuilder log)
    {
        _process = process;
        _prefix = prefix;
        _log = log;
        Port = port;
    }

    /// <summary>The port nginx listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>What nginx wrote to its error log (stderr) so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts nginx with <paramref name="siteConfiguration"/> inside its http block, and waits until it accepts
    /// connections on <paramref name="port"/>, which the configuration must listen on.
    /// </summary>
    public static async Task<NginxProxy> StartAsync(string siteConfiguration, int port)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException("nginx is missing: run `apt-get install -y nginx` (scripts/test.sh does this).");
        }

        var prefix = Directory.CreateTempSubdirectory("pulse-nginx-").FullName;
        File.WriteAllText(Path.Combine(prefix, "site.conf"), siteConfiguration);
        File.WriteAllText(Path.Combine(prefix, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            pid {{prefix}}/nginx.pid;
            error_log stderr notice;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                include {{prefix}}/site.conf;
            }
            """);

        var process = Peers.Start(Executable, ["-p", prefix, "-e", "stderr", "-c", Path.Combine(prefix, "nginx.conf")]);
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (log)
            {
                log.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var proxy = new NginxProxy(process, prefix, port, log);

        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            if (process.HasExited)
            {
                await proxy.DisposeAsync();
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {proxy.Log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return proxy;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().DefaultTimeout();
        }

        _process.Dispose();
        Directory.Delete(_prefix, recursive: true);
    }
}
