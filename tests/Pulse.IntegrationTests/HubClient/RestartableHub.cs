using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulse.Testing;

namespace Pulse.IntegrationTests.HubClientTests;

/// <summary>
/// The hub as <see cref="HubServer"/> hosts it, but on a port of the test's choosing, so a test can stop it and
/// start a new one where clients will find it: a restart, with the in-memory history lost.
/// </summary>
internal sealed class RestartableHub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RestartableHub(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public Uri Uri => new($"ws://127.0.0.1:{Port}/ws");

    /// <summary>Starts the hub with anonymous access on <paramref name="port"/> (0 for a free one).</summary>
    public static async Task<RestartableHub> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPulseHub(options => options.AllowAnonymous = true);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenWebSockets("127.0.0.1", port));
        var app = builder.Build();
        app.MapPulseHub("/ws");
        await app.StartAsync().DefaultTimeout();
        return new RestartableHub(app, new Uri(app.Urls.First()).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(30)));
        await _app.DisposeAsync();
    }
}
