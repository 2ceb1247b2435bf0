using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse.Protocol;

namespace Pulse.Hosting;

/// <summary>
/// One WebSocket path on a server: decides each opening handshake (ProcessRequest, the RFC checks, origins,
/// the connection limit) and runs accepted connections with the application's handler. Both ways in use it:
/// the Kestrel connection middleware and the ASP.NET Core endpoint.
/// </summary>
internal sealed partial class WebSocketEndpoint
{
    private readonly Func<WebSocketConnection, Task> _handler;
    private readonly ServerHandshake _handshake;
    private readonly ConcurrentDictionary<WebSocketConnection, byte> _connections = new();
    private readonly ILogger _logger;
    private int _reserved;
    private volatile bool _stopping;

    public WebSocketEndpoint(string? path, Func<WebSocketConnection, Task> handler, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Path = path;
        Options = options;
        _handler = handler;
        _handshake = new ServerHandshake(options.Origins is null ? null : new OriginPolicy(options.Origins), [.. options.Subprotocols], options.Compression);
        _logger = options.LoggerFactory?.CreateLogger("Pulse.WebSocketServer") ?? NullLogger.Instance;
    }

    /// <summary>The path served, or null for every path.</summary>
    public string? Path { get; }

    public ServerOptions Options { get; }

    public ICollection<WebSocketConnection> Connections => _connections.Keys;

    /// <summary>
    /// Decides a handshake. An accepted result holds a connection slot, which <see cref="RunAsync"/> releases
    /// (or <see cref="Release"/> when the upgrade does not go ahead).
    /// </summary>
    public ServerHandshakeResult Decide(HandshakeRequest request, EndPoint? remoteEndPoint)
    {
        // ProcessRequest answers instead of the upgrade (a health check, a 403): its response is never a 101.
        var custom = Options.ProcessRequest?.Invoke(request);
        var result = custom is not null ? new ServerHandshakeResult(false, custom, null, []) : _handshake.Accept(request);
        if (result.Accepted)
        {
            if (_stopping)
            {
                result = Refuse(503, "the server is shutting down");
            }
            else if (!TryReserve())
            {
                result = Refuse(503, "too many connections");
            }
        }

        if (!result.Accepted)
        {
            Log.HandshakeRefused(_logger, remoteEndPoint?.ToString() ?? "", request.Path, result.Response.StatusCode);
        }

        return result;
    }

    public void Release() => Interlocked.Decrement(ref _reserved);

    public async Task RunAsync(IDuplexPipe transport, Action abort, HandshakeRequest request, ServerHandshakeResult accepted, EndPoint? remoteEndPoint)
    {
        var connection = new WebSocketConnection(transport, abort, Role.Server, Options, request, accepted.Response, remoteEndPoint, accepted.Subprotocol, accepted.Compression);
        _connections.TryAdd(connection, 0);
        try
        {
            if (_stopping)
            {
                // Stop raced with this upgrade: close it like the others.
                _ = connection.CloseAsync(CloseCode.GoingAway, "server shutting down");
            }

            await connection.RunAsync(_handler).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            Release();
        }
    }

    /// <summary>Refuses new connections, closes open ones with 1001, and waits up to the drain timeout before aborting the rest.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        var closing = _connections.Keys.Select(c => c.CloseAsync(CloseCode.GoingAway, "server shutting down")).ToArray();
        try
        {
            await Task.WhenAll(closing).WaitAsync(Options.DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }

            await Task.WhenAll(_connections.Keys.Select(c => c.Closed)).ConfigureAwait(false);
        }
    }

    private bool TryReserve()
    {
        if (Options.MaxConnections is not { } max)
        {
            Interlocked.Increment(ref _reserved);
            return true;
        }

        while (true)
        {
            var current = Volatile.Read(ref _reserved);
            if (current >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _reserved, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    private static ServerHandshakeResult Refuse(int status, string why) =>
        new(false, HandshakeResponse.Text(status, $"Failed to open a WebSocket connection: {why}.\n"), null, []);

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "Refused a WebSocket handshake from {RemoteAddress} on {Path}: HTTP {StatusCode}", EventName = "HandshakeRefused")]
        public static partial void HandshakeRefused(ILogger logger, string remoteAddress, string path, int statusCode);
    }
}
