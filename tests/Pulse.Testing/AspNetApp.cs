using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Pulse.Testing;

/// <summary>
/// An ordinary ASP.NET Core app on 127.0.0.1 and a free port, as a user's existing app would host Pulse: with the
/// Kestrel fast path (<c>ListenWebSockets</c>) or without it (upgrades through the HTTP pipeline only).
/// </summary>
public sealed class AspNetApp : IAsyncDisposable
{
    private AspNetApp(WebApplication app) => App = app;

    public WebApplication App { get; }

    public int Port => new Uri(App.Urls.First()).Port;

    public static async Task<AspNetApp> StartAsync(bool fastPath, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPulseWebSockets();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (fastPath)
            {
                kestrel.ListenWebSockets("127.0.0.1", 0);
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        var app = builder.Build();
        map(app);
        await app.StartAsync().DefaultTimeout();
        return new AspNetApp(app);
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
