using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse.Hub.Core;
using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;
using Pulse.Internal;

namespace Pulse.Hub.Hosting;

/// <summary>
/// The hub on this node: its connections, the channels they subscribe to, the engines, and the server-side API
/// for applications (publish, send to a user, presence, disconnect a user, subscribe a user).
/// </summary>
/// <remarks>Thread-safe. Get it from dependency injection after <c>services.AddPulseHub()</c>.</remarks>
public sealed partial class HubNode : IBrokerHandler, IClusterHandler, IAsyncDisposable
{
    internal static IEnvelopeCodec[] Codecs { get; } = [new JsonEnvelopeCodec(), new ProtobufEnvelopeCodec()];

    // The publication this thread is fanning out and its frames, one per codec (see HandlePublication and Encode).
    [ThreadStatic]
    private static Publication? s_fanOutPublication;

    [ThreadStatic]
    private static PreparedMessage?[]? s_fanOutFrames;

    private readonly ConcurrentDictionary<string, ChannelMembers<HubConnection>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubConnection> _connections = new(StringComparer.Ordinal);
    private readonly HubTokens? _tokens;
    private readonly ILogger _logger;
    private readonly ITimer _maintenance;
    private readonly long _startedAt;

    /// <summary>Creates the node; <c>services.AddPulseHub()</c> does this for applications.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public HubNode(HubOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        GC.KeepAlive(HubMetrics.Meter); // the instruments exist from the start, so /metrics lists them at zero
        Options = options;
        Time = time ?? TimeProvider.System;
        Broker = options.Broker ?? new InMemoryBroker(Time);
        PresenceStore = options.PresenceStore ?? new InMemoryPresenceStore(Time);
        _tokens = options.TokenSecret is null ? null : new HubTokens(options.TokenSecret, Time);
        _logger = options.LoggerFactory?.CreateLogger<HubNode>() ?? NullLogger<HubNode>.Instance;
        SessionSettings = options.ToSessionSettings();
        _startedAt = Time.GetTimestamp();
        Broker.SetHandler(this);
        Cluster = options.Cluster;
        Cluster?.SetHandler(this);
        var period = options.PresenceTtl / 3;
        _maintenance = Time.CreateTimer(static state => ((HubNode)state!).Maintain(), this, period, period);
    }

    /// <summary>The options the node runs with.</summary>
    public HubOptions Options { get; }

    /// <summary>The broker in use.</summary>
    public IBroker Broker { get; }

    /// <summary>The presence store in use.</summary>
    public IPresenceStore PresenceStore { get; }

    /// <summary>The other nodes, when the hub is scaled out; null for a single node.</summary>
    public ICluster? Cluster { get; }

    /// <summary>Open hub connections on this node.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Channels with subscribers on this node, and how many.</summary>
    public IReadOnlyDictionary<string, int> Channels => _channels.Where(c => c.Value.Count > 0).ToDictionary(c => c.Key, c => c.Value.Count);

    /// <summary>How long the node has run.</summary>
    public TimeSpan Uptime => Time.GetElapsedTime(_startedAt);

    internal TimeProvider Time { get; }

    internal SessionSettings SessionSettings { get; }

    // Server-side API

    /// <summary>Publishes <paramref name="data"/> (the UTF-8 text of a JSON value) to <paramref name="channel"/>; returns its position.</summary>
    /// <exception cref="ArgumentException">The channel name or the data is invalid.</exception>
    public Task<StreamPosition> PublishAsync(string channel, ReadOnlyMemory<byte> data, bool ackRequired = false, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        CheckJson(data);
        return PublishToEngineAsync(channel, new PublishData(data, null, null, Now(), ackRequired), Options.ResolvePolicy(channel), cancellationToken);
    }

    /// <summary>Publishes <paramref name="value"/> serialized as JSON to <paramref name="channel"/>; returns its position.</summary>
    public Task<StreamPosition> PublishAsJsonAsync<T>(string channel, T value, bool ackRequired = false, CancellationToken cancellationToken = default) =>
        PublishAsync(channel, new ReadOnlyMemory<byte>(JsonSerializer.SerializeToUtf8Bytes(value)), ackRequired, cancellationToken);

    /// <summary>
    /// Sends <paramref name="data"/> to every connection of <paramref name="user"/> on this node as a
    /// <c>message</c> on <paramref name="channel"/>, whether or not they subscribed. Direct messages are not
    /// part of the channel's stream: offset 0, a one-off epoch, no history. Returns the connections reached.
    /// </summary>
    public int SendToUser(string user, string channel, ReadOnlyMemory<byte> data)
    {
        CheckChannel(channel);
        CheckJson(data);
        var publication = new Publication(0, data, null, Now());
        var epoch = "direct-" + Guid.NewGuid().ToString("N")[..12];
        var reached = 0;
        foreach (var connection in ConnectionsOf(user))
        {
            if (connection.Socket.TrySend(Encode(connection, channel, epoch, publication)))
            {
                reached++;
            }
        }

        return reached;
    }

    /// <summary>Who is in <paramref name="channel"/>, across nodes.</summary>
    public Task<IReadOnlyList<ClientInfo>> PresenceAsync(string channel, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        return PresenceStore.GetAsync(channel, cancellationToken);
    }

    /// <summary>Closes every connection of <paramref name="user"/> on this node; returns how many.</summary>
    public int DisconnectUser(string user, CloseCode code = CloseCode.PolicyViolation, string reason = "disconnected by the server")
    {
        var count = 0;
        foreach (var connection in ConnectionsOf(user))
        {
            connection.Disconnect(code, reason);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Closes every connection of <paramref name="user"/> on this node and, when scaled out, asks every other node
    /// to do the same. Returns the connections closed here and the other nodes asked.
    /// </summary>
    public async Task<(int Here, int OtherNodes)> DisconnectUserEverywhereAsync(string user, CloseCode code = CloseCode.PolicyViolation, string reason = "disconnected by the server", CancellationToken cancellationToken = default)
    {
        var here = DisconnectUser(user, code, reason);
        var others = Cluster is null ? 0 : await Cluster.DisconnectUserAsync(user, code, reason, cancellationToken).ConfigureAwait(false);
        return (here, others);
    }

    /// <inheritdoc/>
    int IClusterHandler.DisconnectUserHere(string user, CloseCode code, string reason) => DisconnectUser(user, code, reason);

    /// <inheritdoc/>
    NodeStats IClusterHandler.GetStats() => new(ConnectionCount, _channels.Count);

    /// <summary>
    /// Closes every hub connection on this node, by default with 1012 "service restart" so clients reconnect to
    /// another node: the first step of a graceful drain. Returns how many were closed.
    /// </summary>
    public int DisconnectAll(CloseCode code = CloseCode.ServiceRestart, string reason = "service restart")
    {
        var count = 0;
        foreach (var connection in _connections.Values)
        {
            connection.Disconnect(code, reason);
            count++;
        }

        return count;
    }

    /// <summary>How many deliveries on this node's connections wait for the client's ack.</summary>
    public int PendingAcks => _connections.Values.Sum(connection => connection.PendingAcks);

    /// <summary>Subscribes every connection of <paramref name="user"/> on this node to <paramref name="channel"/>; returns how many.</summary>
    public int SubscribeUser(string user, string channel)
    {
        CheckChannel(channel);
        var count = 0;
        foreach (var connection in ConnectionsOf(user))
        {
            connection.SubscribeFromServer(channel);
            count++;
        }

        return count;
    }

    /// <summary>Stops the node's timers.</summary>
    public ValueTask DisposeAsync()
    {
        _maintenance.Dispose();
        return ValueTask.CompletedTask;
    }

    // Broker deliveries (IBrokerHandler): for one channel they come in offset order.

    /// <inheritdoc/>
    // Fully optimized from the first call: it is called per publication but loops per subscriber, so tiering would
    // run a big fan-out in instrumented or on-stack-replaced code for a long while.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void IBrokerHandler.HandlePublication(string channel, string epoch, Publication publication)
    {
        if (_channels.TryGetValue(channel, out var members))
        {
            using var activity = PulseActivities.Source.StartActivity("pulse.deliver", ActivityKind.Consumer);
            activity?.SetTag("messaging.system", "pulse");
            activity?.SetTag("messaging.operation.type", "deliver");
            activity?.SetTag("messaging.destination.name", channel);
            activity?.SetTag("pulse.offset", publication.Offset);

            // A delivery is the session's bookkeeping and a shared frame, so the clock is read once per 64 of them:
            // token expiry and the delivery-latency metric stay within about 0.1 ms of each hand-over.
            var now = Now();
            var sinceClock = 0;

            // The subscribers are flushed by this thread once all have the message, not by a work item each (or,
            // inside the batch around a broker call, once the broker is done).
            using var batch = Broadcast.BeginBatch();

            // Encoded once per codec for every recipient; nested fan-outs (a handler publishing) keep their own.
            var outer = (s_fanOutPublication, s_fanOutFrames);
            (s_fanOutPublication, s_fanOutFrames) = (publication, new PreparedMessage?[Codecs.Length]);
            try
            {
                foreach (var connection in members.Snapshot)
                {
                    if (connection is null)
                    {
                        continue;
                    }

                    if (++sinceClock == 64)
                    {
                        (now, sinceClock) = (Now(), 0);
                    }

                    connection.Deliver(members.Name, epoch, publication, now);
                }
            }
            finally
            {
                (s_fanOutPublication, s_fanOutFrames) = outer;
            }
        }
    }

    /// <inheritdoc/>
    void IBrokerHandler.HandleJoinLeave(string channel, bool join, ClientInfo info)
    {
        if (_channels.TryGetValue(channel, out var members))
        {
            using var batch = Broadcast.BeginBatch();
            foreach (var connection in members.Snapshot)
            {
                connection?.DeliverJoinLeave(channel, join, info);
            }
        }
    }

    // The hub owns the send batch around a fan-out. A broker that delivers on the publishing thread (the in-memory
    // one, under its channel's lock) does so inside this batch: the subscribers are flushed once, when the call
    // returns, after the broker released its lock. Deliveries arriving from elsewhere batch in HandlePublication.
    private Task<StreamPosition> PublishThroughBrokerAsync(string channel, PublishData data, HistoryLimits limits, CancellationToken cancellationToken = default)
    {
        using (Broadcast.BeginBatch())
        {
            return Broker.PublishAsync(channel, data, limits, cancellationToken);
        }
    }

    private Task PublishJoinLeaveThroughBrokerAsync(string channel, bool join, ClientInfo info)
    {
        using (Broadcast.BeginBatch())
        {
            return Broker.PublishJoinLeaveAsync(channel, join, info);
        }
    }

    internal void Register(HubConnection connection) => _connections[connection.ClientId] = connection;

    internal void Unregister(HubConnection connection) => _connections.TryRemove(new KeyValuePair<string, HubConnection>(connection.ClientId, connection));

    /// <summary>The <c>message</c> envelope for a publication in a connection's codec, framed once for every recipient.</summary>
    internal static PreparedMessage Encode(HubConnection connection, string channel, string epoch, Publication publication)
    {
        var frames = ReferenceEquals(s_fanOutPublication, publication) ? s_fanOutFrames : null;
        if (frames?[connection.CodecIndex] is { } cached)
        {
            return cached;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(publication.Data.Length + 128);
        connection.Codec.WriteMessage(buffer, channel, epoch, publication);
        var prepared = PreparedMessage.Create(new Message(connection.Codec.MessageType, buffer.WrittenMemory));
        frames?[connection.CodecIndex] = prepared;
        return prepared;
    }

    internal void ReportUndeliverable(HubConnection connection, ReportUndeliverable report) =>
        Log.Undeliverable(_logger, connection.ClientId, report.Channel, report.Publication.Offset, report.Attempts);

    internal void ReportEngineFailure(HubConnection connection, EngineRequest request, Exception exception) =>
        Log.EngineFailed(_logger, connection.ClientId, request.GetType().Name, exception);

    private HubConnection[] ConnectionsOf(string user) =>
        _connections.Values.Where(c => c.User == user).ToArray();

    private long Now() => Time.GetUtcNow().ToUnixTimeMilliseconds();

    private static HistoryLimits Limits(ChannelPolicy policy) => new(policy.HistorySize, policy.HistoryTtlMs);

    private static void CheckChannel(string channel)
    {
        if (!ChannelName.IsValid(channel))
        {
            throw new ArgumentException($"'{channel}' is not a valid channel name (letters, digits and :_-., at most {ChannelName.MaxLength}).", nameof(channel));
        }
    }

    private static void CheckJson(ReadOnlyMemory<byte> data)
    {
        if (!JsonData.IsValidValue(data.Span))
        {
            throw new ArgumentException(JsonData.Requirement, nameof(data));
        }
    }

    private void Maintain()
    {
        // Presence entries expire unless refreshed, so a node that dies takes its clients' presence with it.
        foreach (var (channel, members) in _channels)
        {
            if (!Options.ResolvePolicy(channel).Presence)
            {
                continue;
            }

            foreach (var connection in members.Snapshot)
            {
                if (connection is not null)
                {
                    _ = RefreshPresenceAsync(channel, connection);
                }
            }
        }
    }

    private async Task RefreshPresenceAsync(string channel, HubConnection connection)
    {
        try
        {
            await PresenceStore.AddAsync(channel, new ClientInfo(connection.ClientId, connection.User), Options.PresenceTtl).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.PresenceRefreshFailed(_logger, channel, e);
        }
    }
}
