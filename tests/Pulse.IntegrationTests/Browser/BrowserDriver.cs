using System.Diagnostics;
using System.Text.Json;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>
/// One headless browser, Chromium or Firefox, for every browser test of a class: tests/peers/demo_pages.mjs, which
/// runs a named scenario against a server on request and answers with a JSON line (see the script's header).
/// Started on first use, so a missing browser fails its own tests (saying what to install) and no others.
/// </summary>
public sealed class BrowserDriver : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _node;
    private Task<string>? _errors;

    /// <summary>A Chromium driver, for a class fixture.</summary>
    public BrowserDriver()
        : this(Browsers.Chromium)
    {
    }

    /// <param name="browser"><see cref="Browsers.Chromium"/> or <see cref="Browsers.Firefox"/>.</param>
    public BrowserDriver(string browser) => Browser = browser;

    public string Browser { get; }

    /// <summary>Where failing scenarios leave their screenshots: artifacts/browser at the repository's root.</summary>
    public static string ArtifactsDirectory => Path.GetFullPath(Path.Combine(Peers.Directory, "..", "..", "artifacts", "browser"));

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="scenario"/> against the server at <paramref name="baseUri"/>; <paramref name="step"/>
    /// takes the test's part (restart that server, publish from the back end) when the scenario asks. Returns what
    /// the scenario found (null when it reports nothing); throws with the script's error and screenshots when it fails.
    /// </summary>
    public async Task<JsonElement?> RunAsync(string scenario, Uri baseUri, Func<Task>? step = null)
    {
        await _gate.WaitAsync();
        try
        {
            var node = Start();
            var command = JsonSerializer.Serialize(new { scenario, url = baseUri.GetLeftPart(UriPartial.Authority), artifacts = ArtifactsDirectory });
            await node.StandardInput.WriteLineAsync(command);
            await node.StandardInput.FlushAsync();
            while (true)
            {
                var line = await node.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(90)))
                    ?? throw new InvalidOperationException($"the {Browser} driver exited:\n{await ErrorsSoFarAsync()}");
                using var reply = JsonDocument.Parse(line);
                if (reply.RootElement.TryGetProperty("request", out var request))
                {
                    // The scenario's step that only the test can take: restart the server, publish from the back end.
                    Assert.NotNull(step);
                    await step();
                    await node.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { done = request.GetString() }));
                    await node.StandardInput.FlushAsync();
                    continue;
                }

                if (!reply.RootElement.GetProperty("ok").GetBoolean())
                {
                    var screenshots = string.Join(", ", reply.RootElement.GetProperty("screenshots").EnumerateArray().Select(s => s.GetString()));
                    Assert.Fail($"{scenario} failed in {Browser}: {reply.RootElement.GetProperty("error").GetString()}\nscreenshots: {screenshots}");
                }

                return reply.RootElement.TryGetProperty("result", out var result) ? result.Clone() : null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_node is { } node)
        {
            node.StandardInput.Close(); // the script closes the browser and exits at the end of its input
            try
            {
                await node.WaitForExitAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(20)));
            }
            catch (TimeoutException)
            {
                node.Kill(entireProcessTree: true);
            }

            node.Dispose();
        }

        _gate.Dispose();
    }

    private Process Start()
    {
        if (_node is { HasExited: false } running)
        {
            return running;
        }

        Browsers.Require(Browser);
        _node?.Dispose();
        _node = Peers.Start(Peers.Node, [Peers.Script("demo_pages.mjs"), Browser], redirectInput: true);
        _errors = _node.StandardError.ReadToEndAsync();
        return _node;
    }

    private async Task<string> ErrorsSoFarAsync()
    {
        if (_errors is null || !_node!.HasExited)
        {
            return "(still running)";
        }

        return await _errors;
    }
}
