using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>
/// The demo pages of <c>pulse serve</c> in headless Chromium, as a new user tries them: chat between two
/// people, the admin API publishing into a page's room, the counter on three pages, a server restart, a network drop, the clock and the log tail. Each test runs on its own server;
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
    public async Task AdminApi_PublishesIntoTheRoomABrowserIsIn()
    {
        const string key = "admin-key-for-the-browser-test-01";
        await using var server = await PulseServerFixture.StartAsync(options => options.AdminApiKey = key);
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        await browser.RunAsync("admin", server.HttpBaseUri, async () =>
        {
            using var body = new StringContent("""{"channel":"chat:ops","data":{"nick":"ops","text":"deploy finished"}}""", System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("api/publish", UriKind.Relative), body).DefaultTimeout();
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        });
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
