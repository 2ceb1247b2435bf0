using System.Net;
using Pulse.Server;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Ops;

/// <summary>
/// What <see cref="PulseServer"/> serves in each mode, over real HTTP and WebSocket: the playground (nothing
/// configured) serves every part; production (a token secret, or anonymous access off) none of the playground's
/// parts unless they are named.
/// </summary>
public sealed class ServeModeTests
{
    private const string Secret = "serve-mode-integration-secret-0123456789";

    private static readonly string[] s_demoRoutes = ["/", "/chat", "/counter", "/clock", "/logs", "/status", "/demos/demo.js", "/demos/demo.css", "/pulse.js", "/pulse.d.ts", "/demos/token?user=alice"];

    private static async Task<HttpStatusCode> StatusAsync(PulseServer server, string path)
    {
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative)).DefaultTimeout();
        return response.StatusCode;
    }

    // Null when the upgrade is accepted, else the refusal's status.
    private static async Task<int?> UpgradeRefusalAsync(PulseServer server, string path)
    {
        try
        {
            await using var connection = await WebSocketClient.ConnectAsync(new Uri(server.BaseUri, path), new ClientOptions { UseProxyFromEnvironment = false }).DefaultTimeout();
            return null;
        }
        catch (InvalidStatusException e)
        {
            return e.StatusCode;
        }
    }

    public static TheoryData<string> ProductionConfigurations => ["token secret and anonymous off", "token secret", "anonymous off"];

    private static void Configure(ServeOptions options, string configuration)
    {
        options.TokenSecret = configuration.Contains("token secret", StringComparison.Ordinal) ? Secret : null;
        options.AllowAnonymous = !configuration.Contains("anonymous off", StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ProductionConfigurations))]
    public async Task Production_ServesNoDemoRouteEchoOrBroadcast(string configuration)
    {
        await using var server = await PulseServerFixture.StartAsync(options => Configure(options, configuration));

        foreach (var route in s_demoRoutes)
        {
            Assert.True(await StatusAsync(server, route) == HttpStatusCode.NotFound, $"{route} is served with {configuration}");
        }

        Assert.Equal(404, await UpgradeRefusalAsync(server, "/echo"));
        Assert.Equal(404, await UpgradeRefusalAsync(server, "/broadcast"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, "/metrics"));
    }

    [Fact]
    public async Task Production_EachPartNamed_IsServed()
    {
        await using var server = await PulseServerFixture.StartAsync(options =>
        {
            Configure(options, "token secret and anonymous off");
            options.Demos = true;
            options.Echo = true;
            options.Broadcast = true;
        });

        foreach (var route in s_demoRoutes[..^1])
        {
            Assert.True(await StatusAsync(server, route) == HttpStatusCode.OK, $"{route} is not served with Demos = true");
        }

        // With a real secret, nicknames' tokens come from its owner, never from a demo route.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(server, "/demos/token?user=alice"));
        Assert.Null(await UpgradeRefusalAsync(server, "/echo"));
        Assert.Null(await UpgradeRefusalAsync(server, "/broadcast"));
    }

    [Fact]
    public async Task Playground_ServesEveryPart_UnlessOneIsTurnedOff()
    {
        await using var playground = await PulseServerFixture.StartAsync();
        await using var withoutEcho = await PulseServerFixture.StartAsync(options => options.Echo = false);

        foreach (var route in s_demoRoutes)
        {
            Assert.True(await StatusAsync(playground, route) == HttpStatusCode.OK, $"{route} is not served in the playground");
        }

        Assert.Null(await UpgradeRefusalAsync(playground, "/echo"));
        Assert.Null(await UpgradeRefusalAsync(playground, "/broadcast"));
        Assert.Equal(404, await UpgradeRefusalAsync(withoutEcho, "/echo"));
        Assert.Null(await UpgradeRefusalAsync(withoutEcho, "/broadcast"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(withoutEcho, "/"));
    }
}
