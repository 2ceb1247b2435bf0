using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Pulse.Protocol;

namespace Pulse.Hosting;

/// <summary>
/// The connection as Kestrel's HTTP layer sees it on a listener with the fast path: the app's pipeline decides
/// every upgrade, and an upgrade it accepts is handed back here, so the WebSocket runs on the transport itself
/// once Kestrel's HTTP layer has let go of the connection (no upgrade stream, no per-request state kept).
/// </summary>
/// <remarks>
/// The endpoint finds this object as a connection feature. After the hand-off, what Kestrel's finished HTTP
/// connection still does to the connection is ignored: an abort (its drain timeout would fire while the
/// WebSocket runs) and its heartbeat. The pipes are left open, as Kestrel leaves them.
/// </remarks>
internal sealed class PipelineHandOff : ConnectionContext, IConnectionHeartbeatFeature
{
    private readonly ConnectionContext _connection;
    private readonly FeatureCollection _features;
    private volatile Accepted? _accepted;

    public PipelineHandOff(ConnectionContext connection, IDuplexPipe transport)
    {
        _connection = connection;
        Transport = transport;
        _features = new FeatureCollection(connection.Features);
        _features.Set<IConnectionHeartbeatFeature>(this);
        _features.Set(this);
    }

    /// <summary>The upgrade the pipeline accepted and the endpoint answered, or null while there is none.</summary>
    public Accepted? Upgrade => _accepted;

    public override IDuplexPipe Transport { get; set; }

    public override string ConnectionId
    {
        get => _connection.ConnectionId;
        set => _connection.ConnectionId = value;
    }

    public override IFeatureCollection Features => _features;

    public override IDictionary<object, object?> Items
    {
        get => _connection.Items;
        set => _connection.Items = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _connection.ConnectionClosed;
        set => _connection.ConnectionClosed = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _connection.LocalEndPoint;
        set => _connection.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _connection.RemoteEndPoint;
        set => _connection.RemoteEndPoint = value;
    }

    /// <summary>
    /// Called by the endpoint once its 101 is on its way: Kestrel finishes the request without reading or
    /// writing another byte (a 101 ends keep-alive), and the connection middleware then runs the WebSocket.
    /// </summary>
    public void HandOff(WebSocketEndpoint endpoint, HandshakeRequest request, ServerHandshakeResult decision, EndPoint? client) =>
        _accepted = new Accepted(endpoint, request, decision, client);

    public override void Abort() => Abort(new ConnectionAbortedException());

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (_accepted is null)
        {
            _connection.Abort(abortReason);
        }
    }

    // The connection middleware owns the connection and the transport disposes it.
    public override ValueTask DisposeAsync() => base.DisposeAsync();

    void IConnectionHeartbeatFeature.OnHeartbeat(Action<object> action, object state)
    {
        if (_connection.Features.Get<IConnectionHeartbeatFeature>() is { } heartbeat)
        {
            heartbeat.OnHeartbeat(
                _ =>
                {
                    if (_accepted is null)
                    {
                        action(state);
                    }
                },
                state);
        }
    }

    /// <summary>An upgrade the pipeline let through and the endpoint accepted.</summary>
    internal sealed record Accepted(WebSocketEndpoint Endpoint, HandshakeRequest Request, ServerHandshakeResult Decision, EndPoint? Client);
}
