using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Pulse.Testing;

namespace Pulse.IntegrationTests.WaysIn;

/// <summary>
/// The app of issue 14's first finding, as users write it: cookie authentication and authorization in front of
/// WebSocket endpoints, a role policy, a custom middleware that answers 401, a rate limit and the hub behind
/// <c>RequireAuthorization</c>; on plain HTTP/1.1 or HTTPS with Kestrel's defaults, with or without the fast path.
/// </summary>
internal sealed class SecuredApp : IAsyncDisposable
{
    public const string ApiKey = "let-me-in";

    private SecuredApp(AspNetApp host) => Host = host;

    public AspNetApp Host { get; }

    public static async Task<SecuredApp> StartAsync(bool fastPath, bool https) =>
        new(await AspNetApp.StartAsync(fastPath, https, Configure, Map));

    /// <summary>Signs in at <c>/login</c> and returns the session cookie, as a browser would hold it.</summary>
    public async Task<string> SignInAsync(string role)
    {
        using var http = NewHttpClient();
        using var response = await http.GetAsync(new Uri(Host.BaseUri, $"login?role={role}")).DefaultTimeout();
        response.EnsureSuccessStatusCode();
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>Sends an opening handshake to <paramref name="path"/> with <paramref name="headers"/>, returning the server's answer.</summary>
    public async Task<RawHttpResponse> TryUpgradeAsync(string path, params string[] headers)
    {
        var (socket, response) = await RawWebSocket.TryOpenAsync(Host.Port, path, null, Host.Certificate, headers);
        await socket.DisposeAsync();
        return response;
    }

    public ClientOptions ClientOptions(string cookie, params string[] subprotocols) => new()
    {
        Headers = [new("Cookie", cookie)],
        Subprotocols = subprotocols,
        TrustedCertificates = Host.Certificate is null ? null : [Host.Certificate],
    };

    public HttpClient NewHttpClient() =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == Host.Certificate?.Thumbprint });

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private static void Configure(WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorizationBuilder().AddPolicy("admins", policy => policy.RequireRole("admin"));
        builder.Services.AddRateLimiter(limits =>
        {
            limits.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limits.AddFixedWindowLimiter("one-a-minute", window =>
            {
                window.PermitLimit = 1;
                window.Window = TimeSpan.FromMinutes(1);
                window.QueueLimit = 0;
            });
        });
        builder.Services.AddPulseHub(hub => hub.AllowAnonymous = true);
    }

    private static async Task EchoAsync(WebSocketConnection ws)
    {
        await foreach (var message in ws)
        {
            await ws.SendAsync(message);
        }
    }

    private static void Map(WebApplication app)
    {
        // A custom gate in front of everything under /keyed, as an app's own middleware would be.
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/keyed") && context.Request.Headers["X-Api-Key"] != ApiKey)
            {
                await Results.Text("an API key is required\n", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapGet("/login", async (HttpContext context, string role) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice"), new Claim(ClaimTypes.Role, role)], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            return Results.Text("signed in\n");
        });
        app.MapWebSocket("/open", EchoAsync);
        app.MapWebSocket("/echo", EchoAsync).RequireAuthorization();
        app.MapWebSocket("/admin", EchoAsync).RequireAuthorization("admins");
        app.MapWebSocket("/keyed/echo", EchoAsync);
        app.MapWebSocket("/limited", EchoAsync).RequireRateLimiting("one-a-minute");
        app.MapPulseHub("/hub").RequireAuthorization();
    }
}
