using System.Collections.Concurrent;

namespace Pulse.Testing;

/// <summary>
/// A <see cref="WebSocketServer"/> on 127.0.0.1 and a free port, whose handler failures fail the test: they are
/// captured and rethrown on dispose (aspnetcore's KestrelWebSocketHelpers).
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<Exception> _handlerFailures = new();

    private LoopbackServer(WebSocketServer server) => Server = server;

    public WebSocketServer Server { get; private set; }

    public int Port => Server.Port;

    public Uri Uri(string path = "/") => new($"ws://127.0.0.1:{Port}{path}");

    /// <summary>
    /// Starts a server. Exceptions other than <see cref="ConnectionClosedException"/> escaping the handler are
    /// recorded; set <paramref name="expectHandlerFailures"/> when a test provokes them on purpose.
    /// </summary>
    public static async Task<LoopbackServer> StartAsync(Func<WebSocketConnection, Task> handler, ServerOptions? options = null, bool expectHandlerFailures = false)
    {
        LoopbackServer? fixture = null;
        async Task Wrapped(WebSocketConnection connection)
        {
            try
            {
                await handler(connection);
            }
            catch (Exception e) when (e is not ConnectionClosedException && !expectHandlerFailures)
            {
                fixture!._handlerFailures.Enqueue(e);
                throw;
            }
        }

        var server = await WebSocketServer.StartAsync(Wrapped, "127.0.0.1", 0, options).DefaultTimeout();
        fixture = new LoopbackServer(server);
        return fixture;
    }

    /// <summary>Wraps a server started elsewhere (on a fixed port, say), for the same dispose checks.</summary>
    public static Task<LoopbackServer> AdoptAsync(WebSocketServer server) => Task.FromResult(new LoopbackServer(server));

    /// <summary>An echo server: every message back to its sender.</summary>
    public static Task<LoopbackServer> StartEchoAsync(ServerOptions? options = null) =>
        StartAsync(
            async ws =>
            {
                await foreach (var message in ws)
                {
                    await ws.SendAsync(message);
                }
            },
            options);

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync().DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(30)));
        if (!_handlerFailures.IsEmpty)
        {
            throw new AggregateException("a server handler failed", _handlerFailures);
        }
    }
}
