using Examples.Counter;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>
/// examples/Counter as a new user tries it: two pages in headless Chromium (Debian's chromium, driven by npm
/// playwright-core from tests/peers) stay in step, through the page's accessible buttons.
/// </summary>
[Trait("Category", "Examples")]
[Trait("Category", "Browser")]
public sealed class CounterBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task TwoPages_StayInStep()
    {
        RequireChromiumAndPlaywright();
        await using var counter = await CounterServer.StartAsync(0).DefaultTimeout();

        using var node = Peers.Start("node", [Peers.Script("counter_two_pages.mjs"), $"http://127.0.0.1:{counter.Port}/"]);
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        try
        {
            await node.WaitForExitAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(90)));
        }
        catch (TimeoutException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}:\n{await output}\n{await error}");
        Assert.Equal("in step", (await output).Trim());
    }

    private static void RequireChromiumAndPlaywright()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"Chromium is missing at {Chromium}: run `apt-get install -y chromium` (the browser tests use Debian's, never a downloaded one).");
        }

        if (!File.Exists(Path.Combine(Peers.Directory, "node_modules", "playwright-core", "package.json")))
        {
            throw new InvalidOperationException($"playwright-core is missing: run `npm ci --prefix {Peers.Directory}` (scripts/test.sh does this).");
        }
    }
}
