using System.Text.Json;
using Pulse.Testing;

namespace Pulse.InteropTests;

/// <summary>Headless Chromium, a peer nobody here wrote, talks to pulse serve — compressed when both sides want it (issue 3).</summary>
[Trait("Category", "Interop")]
public sealed class ChromiumTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chromium_EchoesThroughPulseServe_NegotiatingPermessageDeflateWhenEnabled(bool compression)
    {
        RequireChromium();
        await using var server = await PulseServerFixture.StartAsync(o => o.Compression = compression);

        var (code, output, error) = await Peers.RunToEndAsync("node", [Peers.Script("chromium_echo.mjs"), new Uri(server.BaseUri, "echo").ToString()], TimeSpan.FromSeconds(90));

        Assert.True(code == 0, $"chromium_echo.mjs failed: {error}");
        var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.True(result.GetProperty("textOk").GetBoolean());
        Assert.True(result.GetProperty("binaryOk").GetBoolean());
        var extensions = result.GetProperty("extensions").GetString()!;
        if (compression)
        {
            Assert.StartsWith("permessage-deflate", extensions, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("", extensions);
        }
    }

    private static void RequireChromium()
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            throw new InvalidOperationException("Chromium is missing: run `apt-get install -y chromium` (scripts/test.sh does this).");
        }

        if (!File.Exists(Path.Combine(Peers.Directory, "node_modules", "playwright-core", "package.json")))
        {
            throw new InvalidOperationException($"playwright-core is missing: run `npm ci --prefix {Peers.Directory}` (scripts/test.sh does this).");
        }
    }
}
