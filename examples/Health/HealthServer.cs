using Pulse;
using Pulse.Protocol;

namespace Examples.Health;

/// <summary>
/// An echo server ready for a load balancer: <c>GET /healthz</c> answers 200 on the WebSocket port, and 503 once
/// the server is draining, so traffic moves elsewhere while open connections close with 1001.
/// </summary>
public sealed class HealthServer : IAsyncDisposable
{
    private volatile bool _draining;
    private WebSocketServer? _server;

    public int Port => _server!.Port;

    public static async Task<HealthServer> StartAsync(int port)
    {
        var health = new HealthServer();
        var options = new ServerOptions { ProcessRequest = health.HealthCheck };
        health._server = await WebSocketServer.StartAsync(EchoAsync, "127.0.0.1", port, options);
        return health;
    }

    /// <summary>Drains: /healthz turns 503, connections get 1001 and up to DrainTimeout (10 s) to close.</summary>
    public Task StopAsync()
    {
        _draining = true;
        return _server!.StopAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    // websockets' process_request: answer plain HTTP before the upgrade; null lets the handshake go on.
    private HandshakeResponse? HealthCheck(HandshakeRequest request) => request.Path switch
    {
        "/healthz" when _draining => HandshakeResponse.Text(503, "draining\n"),
        "/healthz" => HandshakeResponse.Text(200, "OK\n"),
        _ => null,
    };

    private static async Task EchoAsync(WebSocketConnection ws)
    {
        await foreach (var message in ws)
        {
            await ws.SendAsync(message);
        }
    }
}
