using System.Text.Json;
using Pulse.Testing;

namespace Pulse.InteropTests;

/// <summary>One run of tests/peers/browser_echo.mjs: what the browser negotiated; fails unless both echoes came back intact.</summary>
internal sealed record BrowserEcho(string Extensions)
{
    public static async Task<BrowserEcho> RunAsync(string browser, Uri uri)
    {
        Browsers.Require(browser);
        var run = await Peers.RunToEndAsync(Peers.Node, [Peers.Script("browser_echo.mjs"), browser, uri.ToString()], TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, $"browser_echo.mjs {browser} failed: {run}");
        var result = JsonDocument.Parse(run.Lines[^1]).RootElement;
        Assert.True(result.GetProperty("textOk").GetBoolean(), $"{browser}: the text echo differs");
        Assert.True(result.GetProperty("binaryOk").GetBoolean(), $"{browser}: the binary echo differs");
        return new BrowserEcho(result.GetProperty("extensions").GetString()!);
    }
}
