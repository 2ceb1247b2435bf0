using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>What the browser tests need (see <see cref="Browsers.Require"/>). Missing means failing, with what to install.</summary>
internal static class BrowserRequirements
{
    public static void RequireChromiumAndPlaywright() => Browsers.Require(Browsers.Chromium);
}
