using System.Diagnostics;
using System.Text.Json;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>
/// One headless Chromium for every browser test of a class: tests/peers/demo_pages.mjs, which runs a named
/// scenario against a server on request and answers with a JSON line (see the script's header).
/// </summary>
public sealed class BrowserDriver : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _node;
    private Task<string>? _errors;

    /// <summary>Where failing scenarios leave their screenshots: artifacts/browser at the repository's root.</summary>
    public static string ArtifactsDirectory => Path.GetFullPath(Path.Combine(Peers.Directory, "..", "..", "artifacts", "browser"));

    public Task InitializeAsync()
    {
        BrowserRequirements.RequireChromiumAndPlaywright();
        _node = Peers.Start("node", [Peers.Script("demo_pages.mjs")], redirectInput: true);
        _errors = _node.StandardError.ReadToEndAsync();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> against the server at <paramref name="baseUri"/>; <paramref name="restart"/>
    /// restarts that server when the scenario asks. Throws with the script's error and screenshots when it fails.
    /// </summary>
    public async Task RunAsync(string scenario, Uri baseUri, Func<Task>? restart = null)
    {
        var node = _node ?? throw new InvalidOperationException("the driver is not started");
        await _gate.WaitAsync();
        try
        {
            var command = JsonSerializer.Serialize(new { scenario, url = baseUri.GetLeftPart(UriPartial.Authority), artifacts = ArtifactsDirectory });
            await node.StandardInput.WriteLineAsync(command);
            await node.StandardInput.FlushAsync();
            while (true)
            {
                var line = await node.StandardOutput.ReadLineAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(90)))
                    ?? throw new InvalidOperationException($"the browser driver exited:\n{await ErrorsSoFarAsync()}");
                using var reply = JsonDocument.Parse(line);
                if (reply.RootElement.TryGetProperty("request", out var request))
                {
                    Assert.Equal("restart", request.GetString());
                    Assert.NotNull(restart);
                    await restart();
                    await node.StandardInput.WriteLineAsync("""{"done":"restart"}""");
                    await node.StandardInput.FlushAsync();
                    continue;
                }

                if (!reply.RootElement.GetProperty("ok").GetBoolean())
                {
                    var screenshots = string.Join(", ", reply.RootElement.GetProperty("screenshots").EnumerateArray().Select(s => s.GetString()));
                    Assert.Fail($"{scenario} failed in the browser: {reply.RootElement.GetProperty("error").GetString()}\nscreenshots: {screenshots}");
                }

                return;
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

    private async Task<string> ErrorsSoFarAsync()
    {
        if (_errors is null || !_node!.HasExited)
        {
            return "(still running)";
        }

        return await _errors;
    }
}
