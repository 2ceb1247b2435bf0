using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse.Internal;
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
    private readonly ConnectionLimiter? _limiter; // null without limits: no lock taken per handshake
    private readonly ILogger _logger;
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
        _limiter = options.MaxConnections is null && options.MaxConnectionsPerAddress is null ? null : new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerAddress);
        _logger = options.LoggerFactory?.CreateLogger("Pulse.WebSocketServer") ?? NullLogger.Instance;
    }

    /// <summary>The path served, or null for every path.</summary>
    public string? Path { get; }

    /// <summary>
    /// Whether the route to this endpoint carries nothing a middleware acts on (authorization, CORS, antiforgery
    /// metadata); false until the route is built. See <see cref="WebSocketEndpointRegistry.DecidesAlone"/>.
    /// </summary>
    public bool RouteHasNoPipelineRules { get; set; }

    public ServerOptions Options { get; }

    public ICollection<WebSocketConnection> Connections => _connections.Keys;

    /// <summary>The client's address: the TCP peer, or the address it forwarded for when it is a trusted proxy.</summary>
    public EndPoint? ClientEndPoint(HandshakeRequest request, EndPoint? peer) => ClientAddress.Resolve(peer, request.Headers, Options.TrustedProxies);

    /// <summary>
    /// Decides a handshake from <paramref name="client"/> (see <see cref="ClientEndPoint"/>): an HTTP/1.1 upgrade,
    /// or an HTTP/2 extended CONNECT for <paramref name="extendedConnectProtocol"/> (its <c>:protocol</c>). An
    /// accepted result holds a connection slot, which <see cref="RunAsync"/> releases (or <see cref="Release"/>
    /// when the upgrade does not go ahead).
    /// </summary>
    public ServerHandshakeResult Decide(HandshakeRequest request, EndPoint? client, string? extendedConnectProtocol = null)
    {
        using var activity = PulseActivities.Source.StartActivity("pulse.handshake", ActivityKind.Server);
        // ProcessRequest answers instead of the upgrade (a health check, a 403): its response never accepts it.
        var custom = Options.ProcessRequest?.Invoke(request);
        var result = custom is not null ? new ServerHandshakeResult(false, custom, null, [])
            : extendedConnectProtocol is null ? _handshake.Accept(request)
            : _handshake.AcceptExtendedConnect(request, extendedConnectProtocol);
        if (result.Accepted)
        {
            if (_stopping)
            {
                result = Refuse(503, "the server is shutting down");
            }
            else if (TryReserve(AddressOf(client)) is { } why)
            {
                result = Refuse(503, why);
            }
        }

        if (!result.Accepted)
        {
            Log.HandshakeRefused(_logger, client?.ToString() ?? "", request.Path, result.Response.StatusCode);
        }

        if (activity is not null)
        {
            activity.SetTag("url.path", request.Path);
            activity.SetTag("client.address", AddressOf(client)?.ToString());
            activity.SetTag("http.response.status_code", result.Response.StatusCode);
            activity.SetTag("websocket.subprotocol", result.Subprotocol);
            activity.SetStatus(result.Accepted ? ActivityStatusCode.Ok : ActivityStatusCode.Error, result.Accepted ? null : "refused");
        }

        return result;
    }

    /// <summary>Gives back the slot of an accepted handshake from <paramref name="client"/> that did not go ahead.</summary>
    public void Release(EndPoint? client)
    {
        var address = AddressOf(client);
        _limiter?.Release(address);
        Options.Limiter?.Release(address);
    }

    public async Task RunAsync(IDuplexPipe transport, Action abort, HandshakeRequest request, ServerHandshakeResult accepted, EndPoint? client)
    {
        var connection = new WebSocketConnection(transport, abort, Role.Server, Options, request, accepted.Response, client, accepted.Subprotocol, accepted.Compression);
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
            Release(client);
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

    /// <summary>Counts the connection against this endpoint's limits and the shared ones; null when it fits, else why not.</summary>
    private string? TryReserve(IPAddress? address)
    {
        if (_limiter?.TryAcquire(address) is { } why)
        {
            return why;
        }

        if (Options.Limiter?.TryAcquire(address) is { } sharedWhy)
        {
            _limiter?.Release(address);
            return sharedWhy;
        }

        return null;
    }

    private static IPAddress? AddressOf(EndPoint? client) => (client as IPEndPoint)?.Address;

    private static ServerHandshakeResult Refuse(int status, string why) =>
        new(false, HandshakeResponse.Text(status, $"Failed to open a WebSocket connection: {why}.\n"), null, []);

    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Debug, "Refused a WebSocket handshake from {RemoteAddress} on {Path}: HTTP {StatusCode}", EventName = "HandshakeRefused")]
        public static partial void HandshakeRefused(ILogger logger, string remoteAddress, string path, int statusCode);
    }
}
