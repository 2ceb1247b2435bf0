using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>
/// The demo pages of <c>pulse serve</c> in headless Chromium, as a new user tries them: chat between two
/// people, the counter on three pages, a server restart, a network drop, the clock and the log tail. Each test runs on its own server;
/// one browser serves them all (<see cref="BrowserDriver"/>).
/// </summary>
[Trait("Category", "Browser")]
public sealed class DemoPagesBrowserTests(BrowserDriver browser) : IClassFixture<BrowserDriver>
{
    [Fact]
    public async Task Chat_TwoPeople_SeeEachOtherAndTheirMessages()
    {
        await using var server = await StartAsync();
        await browser.RunAsync("chat", server.HttpBaseUri);
    }

    [Fact]
    public async Task Counter_ThreePages_StayInStep()
    {
        await using var server = await StartAsync();
        await browser.RunAsync("counter", server.HttpBaseUri);
    }

    [Fact]
    public async Task ServerRestart_PagesSayHistoryWasLost_AndReloadTheirState()
    {
        var server = await StartAsync();
        var port = server.EndPoints[0].Port;
        try
        {
            await browser.RunAsync("restart", server.HttpBaseUri, async () =>
            {
                await server.DisposeAsync();
                server = await StartAsync(port); // same address, new in-memory hub: a new epoch
            });
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task NetworkDrop_ChatShowsEveryMissedMessageOnce_InOrder()
    {
        await using var server = await StartAsync();
        await browser.RunAsync("drop", server.HttpBaseUri);
    }

    [Fact]
    public async Task ClockTicks_AndLogTailPausesAndResumes()
    {
        await using var server = await StartAsync();
        await browser.RunAsync("live", server.HttpBaseUri);
    }

    private static Task<PulseServer> StartAsync(int port = 0) => PulseServerFixture.StartAsync(options =>
    {
        options.Port = port;
        options.DrainTimeout = TimeSpan.FromSeconds(2);
    });
}
