using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>A class fixture with one <see cref="BrowserDriver"/> per browser, each started on its first scenario.</summary>
public sealed class BrowserDrivers : IAsyncLifetime
{
    private readonly Dictionary<string, BrowserDriver> _drivers = new()
    {
        [Browsers.Chromium] = new BrowserDriver(Browsers.Chromium),
        [Browsers.Firefox] = new BrowserDriver(Browsers.Firefox),
    };

    /// <summary>The browsers, for a <c>[Theory]</c> that runs in each.</summary>
    public static TheoryData<string> Names => [Browsers.Chromium, Browsers.Firefox];

    public BrowserDriver this[string browser] => _drivers[browser];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var driver in _drivers.Values)
        {
            await driver.DisposeAsync();
        }
    }
}
