namespace Pulse.Testing;

/// <summary>
/// The headless browsers the tests drive through tests/peers/browsers.mjs: Debian's chromium with npm
/// playwright-core, Debian's firefox-esr with npm puppeteer-core (WebDriver BiDi). Never a downloaded browser;
/// a missing one fails the test with what to install.
/// </summary>
public static class Browsers
{
    public const string Chromium = "chromium";

    public const string Firefox = "firefox";

    /// <summary>Fails, saying what to install, unless <paramref name="browser"/> and its driver are here.</summary>
    public static void Require(string browser)
    {
        var (executable, package, driver) = browser switch
        {
            Chromium => ("/usr/bin/chromium", "chromium", "playwright-core"),
            Firefox => ("/usr/bin/firefox-esr", "firefox-esr", "puppeteer-core"),
            _ => throw new ArgumentException($"unknown browser '{browser}': {Chromium} or {Firefox}", nameof(browser)),
        };
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{browser} is missing at {executable}: run `apt-get install -y {package}` (scripts/test.sh does this; the tests use Debian's browsers, never a downloaded one).");
        }

        if (!File.Exists(Path.Combine(Peers.Directory, "node_modules", driver, "package.json")))
        {
            throw new InvalidOperationException($"{driver} is missing: run `npm ci --prefix {Peers.Directory}` (scripts/test.sh does this).");
        }
    }
}
