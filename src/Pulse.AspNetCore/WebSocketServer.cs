using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulse.Hosting;

namespace Pulse;

/// <summary>
/// A WebSocket server on Kestrel, like websockets' <c>serve()</c>: every connection, on any path, is run by one
/// handler. Plain HTTP requests get 426, or what <see cref="ServerOptions.ProcessRequest"/> answers.
/// </summary>
/// <example>
/// <code>
/// await using var server = await WebSocketServer.StartAsync(
///     async ws => { await foreach (var msg in ws) await ws.SendAsync(msg); },
///     "127.0.0.1", 8765);
/// await server.WaitClosedAsync();
/// </code>
/// </example>
/// <remarks>The server installs no signal handlers: call <see cref="StopAsync"/> on SIGTERM (the <c>pulse</c> program does).</remarks>
public sealed class WebSocketServer : IAsyncDisposable
{
    private readonly RunningApp _app;
    private readonly WebSocketEndpoint _endpoint;

    private WebSocketServer(RunningApp app, WebSocketEndpoint endpoint)
    {
        _app = app;
        _endpoint = endpoint;
    }

    /// <summary>The addresses the server listens on, with the ports actually bound.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _app.EndPoints;

    /// <summary>The port of the first listener (useful after asking for port 0).</summary>
    public int Port => EndPoints[0].Port;

    /// <summary>The connections open now.</summary>
    public IReadOnlyCollection<WebSocketConnection> Connections => [.. _endpoint.Connections];

    /// <summary>Starts a server on <paramref name="host"/>:<paramref name="port"/> (port 0 picks a free port).</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="IOException">The address cannot be bound (for example, it is in use).</exception>
    public static async Task<WebSocketServer> StartAsync(Func<WebSocketConnection, Task> handler, string host, int port, ServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        options ??= new ServerOptions();
        var endpoint = new WebSocketEndpoint(null, handler, options);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        RunningApp.LeaveSignalsAlone(builder.Services);
        builder.Services.AddPulseWebSockets();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenWebSockets(host, port, options.Certificate);
        });

        var app = builder.Build();
        // Nothing stands between the listener and the endpoint: the fast path answers every upgrade itself.
        var registry = app.Services.GetRequiredService<WebSocketEndpointRegistry>();
        registry.PipelineHasNoMiddleware = true;
        endpoint.RouteHasNoPipelineRules = true;
        registry.Add(endpoint);
        app.Run(endpoint.HandleHttpAsync);
        return new WebSocketServer(await RunningApp.StartAsync(app, endpoint.StopAsync, cancellationToken).ConfigureAwait(false), endpoint);
    }

    /// <summary>
    /// Stops the server: refuses new connections, closes every open one with 1001, waits up to
    /// <see cref="ServerOptions.DrainTimeout"/> for them, aborts the rest, and stops listening.
    /// </summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Completes when the server has stopped.</summary>
    public Task WaitClosedAsync(CancellationToken cancellationToken = default) => _app.Stopped.WaitAsync(cancellationToken);

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
