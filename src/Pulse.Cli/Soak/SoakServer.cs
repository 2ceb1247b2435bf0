using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulse.Hub.Hosting;

namespace Pulse.Cli.Soak;

/// <summary>
/// The hub under soak, in this process so that its state (connections, channels) and the heap can be read
/// directly: Kestrel with the hub at <c>/ws</c> on 127.0.0.1 and a free port, as <c>pulse serve</c> sets it up,
/// but with a history in the checked channel's namespace long enough for every reconnecting subscriber to
/// recover what it missed.
/// </summary>
internal sealed class SoakServer : IAsyncDisposable
{
    /// <summary>The namespace of the checked channel, whose history is long enough to recover from any cut.</summary>
    public const string CheckedNamespace = "soak";

    private readonly WebApplication _app;

    private SoakServer(WebApplication app)
    {
        _app = app;
        Hub = app.Services.GetRequiredService<HubNode>();
        Port = new Uri(app.Urls.First()).Port;
    }

    public HubNode Hub { get; }

    public int Port { get; }

    public static async Task<SoakServer> StartAsync(int historySize, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPulseHub(hub =>
        {
            hub.AllowAnonymous = true;
            hub.TokenSecret = Pulse.Server.ServeOptions.DevelopmentTokenSecret;
            // Only the checked channel's namespace keeps a long history; the rooms keep pulse serve's default (100).
            hub.Namespaces[CheckedNamespace] = new NamespaceOptions { HistorySize = historySize };
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenWebSockets("127.0.0.1", 0));
        var app = builder.Build();
        app.MapPulseHub("/ws");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new SoakServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
