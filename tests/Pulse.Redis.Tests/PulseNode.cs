using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pulse.Testing;

namespace Pulse.Redis.Tests;

/// <summary>One real <c>pulse serve --engine redis</c> process, built next to these tests, stopped or killed by its PID.</summary>
internal sealed partial class PulseNode : IAsyncDisposable
{
    public const string ApiKey = "multi-node-test-admin-key";

    /// <summary>The token secret every node shares, so a token works on any of them.</summary>
    public const string TokenSecret = "multi-node-test-token-secret-0123456789";

    private static readonly HttpClient s_http = new();
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PulseNode(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri HubUri => new($"ws://127.0.0.1:{Port}/ws");

    public Uri HttpUri => new($"http://127.0.0.1:{Port}/");

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

    /// <summary>Runs <c>pulse</c> with <paramref name="arguments"/> to the end: exit code, stdout, stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] arguments) =>
        Peers.RunToEnd("dotnet", [Dll, .. arguments], TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));

    /// <summary>Starts several nodes at once on one Redis.</summary>
    public static Task<PulseNode[]> StartManyAsync(int count, RedisServer redis) => StartManyAsync(count, redis.Address);

    /// <summary>Starts several nodes at once on the Redis a configuration string names (a cluster's, a Sentinel group's).</summary>
    public static Task<PulseNode[]> StartManyAsync(int count, string redis) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartAsync(redis)));

    public static Task<PulseNode> StartAsync(RedisServer redis) => StartAsync(redis.Address);

    public static async Task<PulseNode> StartAsync(string redisAddress)
    {
        var process = Peers.Start("dotnet", [Dll, "serve", "--listen", "127.0.0.1:0", "--engine", "redis", "--redis", redisAddress, "--admin-api-key", ApiKey, "--token-secret", TokenSecret, "--log-level", "Warning", "--drain-timeout", "2"]);
        try
        {
            while (await process.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60))) is { } line)
            {
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    var node = new PulseNode(process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

                    // Logs go to stderr: read them as they come, so the pipe never fills and a failure can show them.
                    process.ErrorDataReceived += (_, e) =>
                    {
                        lock (node._log)
                        {
                            node._log.AppendLine(e.Data);
                        }
                    };
                    process.BeginErrorReadLine();
                    return node;
                }
            }

            throw new InvalidOperationException("pulse serve exited before listening: " + await process.StandardError.ReadToEndAsync());
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>Kills the process at once (SIGKILL, by PID): a node dying without a word.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TestTimeouts.Default);
        }
    }

    /// <summary>GET /readyz: the status code and body.</summary>
    public async Task<(int Status, string Body)> ReadyAsync()
    {
        using var response = await s_http.GetAsync(new Uri(HttpUri, "readyz"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits until /readyz answers 200 (or <paramref name="ready"/> false: 503).</summary>
    public async Task WaitReadyAsync(bool ready = true)
    {
        while ((await ReadyAsync()).Status != (ready ? 200 : 503))
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Calls the admin API; returns the JSON reply.</summary>
    public async Task<JsonElement> ApiAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(HttpUri, path));
        request.Headers.Add("X-Api-Key", ApiKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await s_http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}", null, response.StatusCode);
    }

    /// <summary>Publishes through the admin API; returns the offset.</summary>
    public async Task<long> PublishAsync(string channel, object data) =>
        (await ApiAsync(HttpMethod.Post, "api/publish", new { channel, data })).GetProperty("offset").GetInt64();

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Dll { get; } = FindDll();

    private static string FindDll()
    {
        // tests/Pulse.Redis.Tests/bin/<Configuration>/net10.0 -> src/Pulse.Cli/bin/<Configuration>/net10.0/Pulse.Cli.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Pulse.Cli", "bin", output.Parent.Name, output.Name, "Pulse.Cli.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build src/Pulse.Cli first", dll);
    }

    [GeneratedRegex(@"listening on ws://127\.0\.0\.1:(\d+)/")]
    private static partial Regex ListeningLine();
}
