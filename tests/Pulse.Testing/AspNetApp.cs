using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pulse.Testing;

/// <summary>
/// An ordinary ASP.NET Core app on 127.0.0.1 and a free port, as a user's existing app would host Pulse: with the
/// Kestrel fast path (<c>UsePulseWebSockets</c>) or without it (upgrades through the HTTP pipeline only), on plain
/// HTTP/1.1 or on HTTPS with Kestrel's default protocols (HTTP/1.1 and HTTP/2, as browsers meet a production app).
/// </summary>
public sealed class AspNetApp : IAsyncDisposable
{
    private AspNetApp(WebApplication app, X509Certificate2? certificate)
    {
        App = app;
        Certificate = certificate;
    }

    public WebApplication App { get; }

    /// <summary>The server's certificate on HTTPS, else null.</summary>
    public X509Certificate2? Certificate { get; }

    public int Port => new Uri(App.Urls.First()).Port;

    /// <summary><c>http://127.0.0.1:PORT/</c> or <c>https://…</c>.</summary>
    public Uri BaseUri => new($"{(Certificate is null ? "http" : "https")}://127.0.0.1:{Port}/");

    /// <summary><c>ws://127.0.0.1:PORT/</c> or <c>wss://…</c>.</summary>
    public Uri WebSocketBaseUri => new($"{(Certificate is null ? "ws" : "wss")}://127.0.0.1:{Port}/");

    public static Task<AspNetApp> StartAsync(bool fastPath, Action<WebApplication> map) => StartAsync(fastPath, https: false, configure: null, map);

    /// <param name="fastPath">Whether the listener takes WebSocket connections off Kestrel's HTTP layer.</param>
    /// <param name="https">HTTPS with Kestrel's default protocols (HTTP/1.1 and HTTP/2 by ALPN) and a self-signed certificate.</param>
    /// <param name="configure">Services and Kestrel settings of the app, before it is built.</param>
    /// <param name="map">The app's middleware and endpoints.</param>
    public static async Task<AspNetApp> StartAsync(bool fastPath, bool https, Action<WebApplicationBuilder>? configure, Action<WebApplication> map)
    {
        var certificate = https ? TestCertificates.CreateSelfSigned() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPulseWebSockets();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (certificate is not null)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listen.UseHttps(certificate);
                    if (fastPath)
                    {
                        listen.UsePulseWebSockets();
                    }
                });
            }
            else if (fastPath)
            {
                kestrel.ListenWebSockets("127.0.0.1", 0);
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync().DefaultTimeout();
        return new AspNetApp(app, certificate);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Certificate?.Dispose();
    }
}
