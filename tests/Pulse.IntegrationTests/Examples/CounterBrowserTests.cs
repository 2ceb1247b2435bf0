using Examples.Counter;
using Pulse.IntegrationTests.Browser;
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
    [Fact]
    public async Task TwoPages_StayInStep()
    {
        BrowserRequirements.RequireChromiumAndPlaywright();
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
}
