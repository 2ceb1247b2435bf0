using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulse.Hub.Hosting;

namespace Pulse.Testing;

/// <summary>The hub with test-chosen options, in an ASP.NET Core app on 127.0.0.1 and a free port.</summary>
public sealed class HubServer : IAsyncDisposable
{
    public const string Secret = "test-secret-that-is-long-enough-for-hs256!";

    private readonly WebApplication _app;

    private HubServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        Node = app.Services.GetRequiredService<HubNode>();
        Tokens = new HubTokens(Secret);
    }

    public int Port { get; }

    public HubNode Node { get; }

    public HubTokens Tokens { get; }

    public Uri Uri(string query = "") => new($"ws://127.0.0.1:{Port}/ws{query}");

    public static async Task<HubServer> StartAsync(Action<HubOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPulseHub(options =>
        {
            options.AllowAnonymous = true;
            options.TokenSecret = Secret;
            configure?.Invoke(options);
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenWebSockets("127.0.0.1", 0));
        var app = builder.Build();
        app.MapPulseHub("/ws");
        await app.StartAsync().DefaultTimeout();
        return new HubServer(app, new Uri(app.Urls.First()).Port);
    }

    /// <summary>Connects a JSON hub client and reads its welcome.</summary>
    public async Task<HubTestClient> ConnectAsync(string query = "", ClientOptions? options = null)
    {
        options ??= new ClientOptions();
        options.Subprotocols = ["pulse.v1.json"];
        var client = new HubTestClient(await WebSocketClient.ConnectAsync(Uri(query), options).DefaultTimeout());
        client.Welcome = await client.ExpectAsync("welcome");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(30)));
        await _app.DisposeAsync();
    }
}
