using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pulse.Testing;

namespace Pulse.IntegrationTests.WaysIn;

/// <summary>
/// Issue 14 §1, DESIGN §1: "an upgrade that the app's pipeline (authentication, authorization, CORS, rate
/// limiting, any middleware that answers) would refuse is refused on every way in". Each case runs with and
/// without the Kestrel fast path, on HTTP/1.1 and on HTTPS with Kestrel's defaults.
/// </summary>
public sealed class PipelineDecidesTests
{
    public static TheoryData<bool, bool> WaysIn => new()
    {
        { false, false },
        { true, false },
        { false, true },
        { true, true },
    };

    [Theory]
    [MemberData(nameof(WaysIn))]
    public async Task RequireAuthorization_Anonymous_GetsThePipelinesAnswer(bool fastPath, bool https)
    {
        await using var app = await SecuredApp.StartAsync(fastPath, https);

        var refused = await app.TryUpgradeAsync("/echo");
        var open = await app.TryUpgradeAsync("/open");

        // The cookie scheme's challenge: a redirect to its login page, not a WebSocket.
        Assert.Equal(302, refused.StatusCode);
        Assert.Contains("/Account/Login", refused.Header("Location"), StringComparison.Ordinal);
        Assert.Equal(101, open.StatusCode);
    }

    [Theory]
    [MemberData(nameof(WaysIn))]
    public async Task RequireAuthorization_SignedIn_UpgradesAndEchoes(bool fastPath, bool https)
    {
        await using var app = await SecuredApp.StartAsync(fastPath, https);
        var cookie = await app.SignInAsync("user");

        await using var ws = await WebSocketClient.ConnectAsync(new Uri(app.Host.WebSocketBaseUri, "echo"), app.ClientOptions(cookie)).DefaultTimeout();
        await ws.SendAsync("hello").DefaultTimeout();
        var echo = await ws.ReceiveAsync().DefaultTimeout();
        await ws.CloseAsync().DefaultTimeout();

        Assert.Equal("hello", echo.Text);
        Assert.Equal(CloseCode.NormalClosure, ws.CloseStatus?.Code);
    }

    [Theory]
    [MemberData(nameof(WaysIn))]
    public async Task RolePolicy_OtherRole_Refused_TheRole_Upgrades(bool fastPath, bool https)
    {
        await using var app = await SecuredApp.StartAsync(fastPath, https);
        var user = await app.SignInAsync("user");
        var admin = await app.SignInAsync("admin");

        var forbidden = await app.TryUpgradeAsync("/admin", $"Cookie: {user}");
        var allowed = await app.TryUpgradeAsync("/admin", $"Cookie: {admin}");

        Assert.Equal(302, forbidden.StatusCode);
        Assert.Contains("/Account/AccessDenied", forbidden.Header("Location"), StringComparison.Ordinal);
        Assert.Equal(101, allowed.StatusCode);
    }

    [Theory]
    [MemberData(nameof(WaysIn))]
    public async Task CustomMiddleware_Answering401_RefusesTheUpgradeWithItsAnswer(bool fastPath, bool https)
    {
        await using var app = await SecuredApp.StartAsync(fastPath, https);

        var refused = await app.TryUpgradeAsync("/keyed/echo");
        var allowed = await app.TryUpgradeAsync("/keyed/echo", $"X-Api-Key: {SecuredApp.ApiKey}");

        Assert.Equal(401, refused.StatusCode);
        Assert.Equal("an API key is required\n", refused.Body);
        Assert.Equal(101, allowed.StatusCode);
    }

    [Theory]
    [MemberData(nameof(WaysIn))]
    public async Task RateLimiting_SecondUpgradeInTheWindow_Gets429(bool fastPath, bool https)
    {
        await using var app = await SecuredApp.StartAsync(fastPath, https);

        var first = await app.TryUpgradeAsync("/limited");
        var second = await app.TryUpgradeAsync("/limited");

        Assert.Equal(101, first.StatusCode);
        Assert.Equal(429, second.StatusCode);
    }

    [Theory]
    [MemberData(nameof(WaysIn))]
    public async Task MapPulseHub_RequireAuthorization_AnonymousRefused_SignedInWelcomed(bool fastPath, bool https)
    {
        await using var app = await SecuredApp.StartAsync(fastPath, https);
        var cookie = await app.SignInAsync("user");

        var refused = await app.TryUpgradeAsync("/hub", "Sec-WebSocket-Protocol: pulse.v1.json");
        await using var hub = await WebSocketClient.ConnectAsync(new Uri(app.Host.WebSocketBaseUri, "hub"), app.ClientOptions(cookie, "pulse.v1.json")).DefaultTimeout();
        var welcome = await hub.ReceiveAsync().DefaultTimeout();

        Assert.Equal(302, refused.StatusCode);
        Assert.Equal("pulse.v1.json", hub.Subprotocol);
        using var envelope = JsonDocument.Parse(welcome.Text);
        Assert.Equal("welcome", envelope.RootElement.GetProperty("type").GetString());
    }

    /// <summary>
    /// On the fast path an accepted upgrade leaves Kestrel's HTTP layer; the timers of that finished request
    /// (its drain timeout, here shortened to two seconds) must not end the connection.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FastPath_AcceptedUpgrade_OutlivesKestrelsRequestTimers(bool https)
    {
        await using var host = await AspNetApp.StartAsync(
            fastPath: true,
            https,
            builder => builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MinResponseDataRate = new MinDataRate(240, TimeSpan.FromSeconds(2));
                kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(1);
            }),
            app => app.MapWebSocket("/echo", async ws =>
            {
                await foreach (var message in ws)
                {
                    await ws.SendAsync(message);
                }
            }));
        var options = new ClientOptions { TrustedCertificates = host.Certificate is null ? null : [host.Certificate] };
        await using var ws = await WebSocketClient.ConnectAsync(new Uri(host.WebSocketBaseUri, "echo"), options).DefaultTimeout();

        // Kestrel's heartbeat ticks once a second: two ticks past both timeouts.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await ws.SendAsync("still here").DefaultTimeout();
        var echo = await ws.ReceiveAsync().DefaultTimeout();

        Assert.Equal("still here", echo.Text);
    }
}
