using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>What the browser tests need: Debian's Chromium and npm playwright-core in tests/peers. Missing means failing, with what to install.</summary>
internal static class BrowserRequirements
{
    public const string Chromium = "/usr/bin/chromium";

    public static void RequireChromiumAndPlaywright()
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
