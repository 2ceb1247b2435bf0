using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>
/// The demo pages of <c>pulse serve</c> in headless Chromium and Firefox, as a new user tries them: chat between two
/// people, the admin API publishing into a page's room, the counter on three pages, a server restart, a network
/// drop, the clock and the log tail; every page free of console errors and sideways scrolling at a phone's width;
/// the chat's join flow; compressed WebSockets. Each test runs on its own server; one browser of each kind serves
/// them all (<see cref="BrowserDrivers"/>).
/// </summary>
[Trait("Category", "Browser")]
public sealed class DemoPagesBrowserTests(BrowserDrivers browsers) : IClassFixture<BrowserDrivers>
{
    public static TheoryData<string> BrowserNames => BrowserDrivers.Names;

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task Chat_TwoPeople_SeeEachOtherAndTheirMessages(string browser)
    {
        await using var server = await StartAsync();
        await browsers[browser].RunAsync("chat", server.HttpBaseUri);
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task Counter_ThreePages_StayInStep(string browser)
    {
        await using var server = await StartAsync();
        await browsers[browser].RunAsync("counter", server.HttpBaseUri);
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task ServerRestart_PagesSayHistoryWasLost_AndReloadTheirState(string browser)
    {
        var server = await StartAsync();
        var port = server.EndPoints[0].Port;
        try
        {
            await browsers[browser].RunAsync("restart", server.HttpBaseUri, async () =>
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

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task AdminApi_PublishesIntoTheRoomABrowserIsIn(string browser)
    {
        const string key = "admin-key-for-the-browser-test-01";
        await using var server = await PulseServerFixture.StartAsync(options => options.AdminApiKey = key);
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        await browsers[browser].RunAsync("admin", server.HttpBaseUri, async () =>
        {
            using var body = new StringContent("""{"channel":"chat:ops","data":{"nick":"ops","text":"deploy finished"}}""", System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("api/publish", UriKind.Relative), body).DefaultTimeout();
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        });
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task NetworkDrop_ChatShowsEveryMissedMessageOnce_InOrder(string browser)
    {
        await using var server = await StartAsync();
        await browsers[browser].RunAsync("drop", server.HttpBaseUri);
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task ClockTicks_AndLogTailPausesAndResumes(string browser)
    {
        await using var server = await StartAsync();
        await browsers[browser].RunAsync("live", server.HttpBaseUri);
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task EveryPage_LoadsWithoutConsoleErrors_OrAMissingIcon(string browser)
    {
        await using var server = await StartAsync();
        await browsers[browser].RunAsync("errors", server.HttpBaseUri);
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task EveryPage_AtAPhonesWidth_DoesNotScrollSideways(string browser)
    {
        await using var server = await StartAsync();
        await browsers[browser].RunAsync("narrow", server.HttpBaseUri);
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task Chat_OffersSendOnlyOnceJoined_ThenJoinAndSendWork(string browser)
    {
        await using var server = await StartAsync();
        await browsers[browser].RunAsync("join", server.HttpBaseUri);
    }

    [Theory]
    [MemberData(nameof(BrowserNames))]
    public async Task WebSocketExtensions_ArePermessageDeflate_OnTheEchoAndTheHub(string browser)
    {
        // Firefox's WebSocket.extensions names the extension only; Chromium's is the server's whole answer.
        const string answer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12";
        var expected = browser == Browsers.Firefox ? "permessage-deflate" : answer;
        await using var server = await StartAsync();

        var result = await browsers[browser].RunAsync("extensions", server.HttpBaseUri);

        Assert.NotNull(result);
        Assert.Equal(expected, result.Value.GetProperty("echo").GetString());
        Assert.Equal(expected, result.Value.GetProperty("hub").GetString());
        Assert.Equal("pulse.v1.json", result.Value.GetProperty("hubProtocol").GetString());
    }

    private static Task<PulseServer> StartAsync(int port = 0) => PulseServerFixture.StartAsync(options =>
    {
        options.Port = port;
        options.DrainTimeout = TimeSpan.FromSeconds(2);
    });
}
