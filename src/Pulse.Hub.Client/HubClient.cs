using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pulse.Hub.Client.Internal;
using Pulse.Hub.Protocol;
using Pulse.Internal;

namespace Pulse.Hub.Client;

/// <summary>
/// A client of the Pulse hub speaking pulse.v1, in JSON (<c>pulse.v1.json</c>, the default) or Protobuf
/// (<c>pulse.v1.protobuf</c>, see <see cref="HubClientOptions.Protocol"/>): subscribe with a handler, publish,
/// presence, history. It reconnects by itself, restores every subscription from the last position it saw, and so hands
/// each subscription's handler every message once and in order, or says that recovery failed.
/// </summary>
/// <example>
/// <code>
/// await using var hub = await HubClient.ConnectAsync(new Uri("ws://127.0.0.1:8765/ws"));
/// await using var lobby = await hub.SubscribeAsync("chat:lobby", message => inbox.Writer.WriteAsync(message));
/// var offset = await hub.PublishAsync("chat:lobby", new { text = "hi" });
/// </code>
/// </example>
/// <remarks>
/// <para>
/// Concurrency: every method may be called from any thread, concurrently. Replies are matched to requests by
/// id, so concurrent requests do not wait for each other. One receive loop reads the connection and never runs
/// application code except the events; handlers run on the thread pool, one at a time per subscription (see
/// <see cref="Subscription"/>). Events (<see cref="Connected"/>, <see cref="Disconnected"/>,
/// <see cref="Reconnecting"/>) are raised on the receive loop: keep them short.
/// </para>
/// <para>
/// Reconnection: when the connection drops (a network failure, a keepalive or heartbeat timeout, the hub going
/// away or restarting), the client waits with exponential backoff and jitter
/// (<see cref="ClientOptions.ReconnectInitialDelay"/> and the rest in <see cref="HubClientOptions.WebSocket"/>),
/// connects again, authenticates with a fresh token from <see cref="HubClientOptions.TokenProvider"/>,
/// resubscribes with <c>since</c>, and sends the requests that were waiting. A request fails with
/// <see cref="TimeoutException"/> when no reply came within <see cref="HubClientOptions.RequestTimeout"/>,
/// reconnection included. The hub closing for good (1000, or 1008 other than <c>token expired</c>) ends the
/// client: <see cref="State"/> becomes <see cref="HubClientState.Closed"/>.
/// </para>
/// <para>
/// A publish that was waiting for its reply when the connection dropped is sent again on the next connection
/// with the same id. The hub de-duplicates ids within one connection only, so if the first attempt had been
/// applied before the drop, the retry publishes a second time: across a reconnection a publish is applied at
/// least once, not exactly once.
/// </para>
/// </remarks>
public sealed partial class HubClient : IAsyncDisposable
{
    // Set while an event handler runs on the loop: disposing from there must not wait for the loop itself.
    private static readonly AsyncLocal<bool> s_raisingEvent = new();

    private readonly Lock _lock = new();
    private readonly HubClientOptions _options;
    private readonly IEnvelopeCodec _codec;
    private readonly ILogger _logger;
    private readonly PendingRequests _pending = new();
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private readonly Backoff _backoff;
    private HubLink? _current;
    private HubLink? _last;
    private long _generation;
    private HubClientState _state = HubClientState.Reconnecting;
    private bool _disposed;
    private Exception? _closedBy;
    private Task _run = Task.CompletedTask;

    private HubClient(Uri uri, HubClientOptions options)
    {
        Uri = uri;
        _options = options;
        _codec = HubProtocolCodec.Of(options.Protocol);
        _options.WebSocket.Subprotocols = [_codec.Subprotocol];
        _logger = options.LoggerFactory?.CreateLogger<HubClient>() ?? NullLogger<HubClient>.Instance;
        var ws = options.WebSocket;
        _backoff = new Backoff(ws.ReconnectInitialDelay, ws.ReconnectMaxDelay, ws.ReconnectFactor, Random.Shared.NextDouble);
    }

    /// <summary>
    /// Raised when a connection is up and authenticated after a reconnection, before subscriptions are restored.
    /// (The first connection is up when <see cref="ConnectAsync"/> returns.)
    /// </summary>
    public event EventHandler<HubConnectedEventArgs>? Connected;

    /// <summary>Raised when a connection ended, with its close code and whether the client will reconnect.</summary>
    public event EventHandler<HubDisconnectedEventArgs>? Disconnected;

    /// <summary>Raised before each reconnection attempt, with the delay the client waits first.</summary>
    public event EventHandler<HubReconnectingEventArgs>? Reconnecting;

    /// <summary>The hub's address.</summary>
    public Uri Uri { get; }

    /// <summary>Connected, reconnecting, or closed.</summary>
    public HubClientState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The client id of the current (or last) connection, from the hub's <c>welcome</c>; a new one on each connection.</summary>
    public string ClientId
    {
        get
        {
            lock (_lock)
            {
                return _last?.ClientId ?? "";
            }
        }
    }

    /// <summary>The authenticated user of the current (or last) connection; "" when anonymous.</summary>
    public string User
    {
        get
        {
            lock (_lock)
            {
                return _last?.User ?? "";
            }
        }
    }

    /// <summary>The current WebSocket connection, for tests that cut it; null while reconnecting.</summary>
    internal WebSocketConnection? Socket
    {
        get
        {
            lock (_lock)
            {
                return _current?.Socket;
            }
        }
    }

    /// <summary>
    /// Connects to the hub at <paramref name="uri"/> (such as <c>ws://127.0.0.1:8765/ws</c>) with the subprotocol
    /// of <see cref="HubClientOptions.Protocol"/> (<c>pulse.v1.json</c> by default), reads its <c>welcome</c> and, with a token, authenticates with <c>connect</c>.
    /// This first connection is not retried: a failure is thrown.
    /// </summary>
    /// <exception cref="ArgumentException">The URI is not ws:// or wss://, or an option is invalid.</exception>
    /// <exception cref="ConnectFailedException">The hub could not be reached.</exception>
    /// <exception cref="InvalidStatusException">The server refused the upgrade (such as 401 or 404).</exception>
    /// <exception cref="InvalidHandshakeException">The server does not speak the subprotocol offered.</exception>
    /// <exception cref="HubErrorException">The hub refused the token (401).</exception>
    /// <exception cref="TimeoutException">No <c>welcome</c> or <c>connect</c> reply within <see cref="HubClientOptions.RequestTimeout"/>.</exception>
    public static async Task<HubClient> ConnectAsync(Uri uri, HubClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        options ??= new HubClientOptions();
        options.Validate();
        var client = new HubClient(uri, options);
        var link = await client.OpenAsync(generation: 1, cancellationToken).ConfigureAwait(false);
        client.Start(link);
        return client;
    }

    /// <summary>
    /// Subscribes to <paramref name="channel"/>: <paramref name="handler"/> receives every publication after the
    /// subscribe reply (or after <see cref="SubscribeOptions.Since"/>), once each and in order, across reconnections.
    /// Returns once the hub answered. Dispose the subscription to unsubscribe.
    /// </summary>
    /// <exception cref="HubErrorException">The hub refused: 422 invalid channel, 403 not allowed, 429 too many subscriptions…; 409 when this client already subscribed to the channel.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.RequestTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public async Task<Subscription> SubscribeAsync(string channel, Func<HubMessage, ValueTask> handler, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, channel, handler, options ?? new SubscribeOptions());
        PendingRequest? request = null;
        HubLink? link;
        lock (_lock)
        {
            ThrowIfClosedLocked();
            if (_subscriptions.ContainsKey(channel))
            {
                throw new HubErrorException(ErrorCode.AlreadySubscribed, $"this client is already subscribed to {channel}");
            }

            _subscriptions.Add(channel, subscription);
            link = _current;
            if (link is not null)
            {
                request = NewSubscribeLocked(subscription, link);
            }
        }

        subscription.StartPump();
        if (request is not null)
        {
            await SendQuietlyAsync(link!, request.Envelope).ConfigureAwait(false);
        }

        try
        {
            await subscription.Ready.Task.WaitAsync(_options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            return subscription;
        }
        catch (TimeoutException e)
        {
            await UnsubscribeAsync(subscription).ConfigureAwait(false);
            throw new TimeoutException($"subscribe to {channel}: no reply within {_options.RequestTimeout.TotalSeconds:0.###} s", e);
        }
        catch (OperationCanceledException)
        {
            await UnsubscribeAsync(subscription).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Publishes <paramref name="data"/>, serialized with <see cref="HubClientOptions.JsonSerializerOptions"/>, to
    /// <paramref name="channel"/>; returns the offset it got once the hub replied. With
    /// <paramref name="ackRequired"/>, every subscriber must acknowledge its delivery (the hub resends until it
    /// does, a bounded number of times). See the remarks on <see cref="HubClient"/> about retries after a reconnection.
    /// </summary>
    /// <exception cref="HubErrorException">The hub refused: 422 invalid channel, 403 not allowed, 413 too large, 429 rate limit…</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.RequestTimeout"/>.</exception>
    public Task<long> PublishAsync(string channel, object? data, bool ackRequired = false, CancellationToken cancellationToken = default) =>
        PublishAsync(channel, JsonSerializer.SerializeToUtf8Bytes(data, data?.GetType() ?? typeof(object), _options.JsonSerializerOptions), ackRequired, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="json"/>, the UTF-8 text of one JSON value sent as it is, to
    /// <paramref name="channel"/>; returns the offset it got once the hub replied.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="json"/> is not one JSON value.</exception>
    /// <exception cref="HubErrorException">The hub refused: 422 invalid channel, 403 not allowed, 413 too large, 429 rate limit…</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.RequestTimeout"/>.</exception>
    public async Task<long> PublishAsync(string channel, ReadOnlyMemory<byte> json, bool ackRequired = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (!JsonData.IsValidValue(json.Span))
        {
            throw new ArgumentException(JsonData.Requirement, nameof(json));
        }

        var reply = await RequestAsync(RequestKind.Publish, id => Encode(new Envelope { Type = EnvelopeType.Publish, Id = id, Channel = channel, Data = json, AckRequired = ackRequired }), cancellationToken).ConfigureAwait(false);
        return reply.ToPublishReply().Offset;
    }

    /// <summary>Who is in <paramref name="channel"/>: each connection's client id and user ("" when anonymous), across the hub's nodes.</summary>
    /// <exception cref="HubErrorException">The hub refused: 403 when the namespace has presence off or the channel is private…</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.RequestTimeout"/>.</exception>
    public async Task<IReadOnlyList<ClientInfo>> PresenceAsync(string channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var reply = await RequestAsync(RequestKind.Presence, id => Encode(new Envelope { Type = EnvelopeType.Presence, Id = id, Channel = channel }), cancellationToken).ConfigureAwait(false);
        return reply.ToPresenceReply().Clients;
    }

    /// <summary>
    /// Reads <paramref name="channel"/>'s history: the publications after <paramref name="since"/> (from the
    /// oldest kept, when null; none when <paramref name="since"/> is from another epoch), at most
    /// <paramref name="limit"/> (the namespace's history size, when null; 0 returns only the position).
    /// </summary>
    /// <exception cref="HubErrorException">The hub refused: 422 invalid channel, 403 private channel…</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="HubClientOptions.RequestTimeout"/>.</exception>
    public async Task<HubHistory> HistoryAsync(string channel, StreamPosition? since = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "must not be negative");
        }

        var received = await RequestAsync(RequestKind.History, id => Encode(new Envelope { Type = EnvelopeType.History, Id = id, Channel = channel, Since = since, Limit = limit }), cancellationToken).ConfigureAwait(false);
        var reply = received.ToHistoryReply();
        var messages = reply.Publications.Select(p => new HubMessage(channel, reply.Position.Epoch, p, isRecovered: false, _options.JsonSerializerOptions)).ToList();
        return new HubHistory(reply.Position, messages);
    }

    /// <summary>
    /// Closes the connection (1000) and stops reconnecting. Waiting requests fail with
    /// <see cref="ObjectDisposedException"/>; no handler runs once this returns (except the one calling it).
    /// May be called from a handler or an event handler.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        HubLink? link;
        lock (_lock)
        {
            _disposed = true;
            link = _current;
        }

        if (link is not null)
        {
            await HubLink.CloseQuietlyAsync(link.Socket, CloseCode.NormalClosure, "").ConfigureAwait(false);
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        if (!s_raisingEvent.Value)
        {
            await _run.ConfigureAwait(false);
        }

        await CloseForGoodAsync(new ObjectDisposedException(nameof(HubClient))).ConfigureAwait(false);
    }

    /// <summary>Sends a request now if a connection is up (else once one is) and waits for its reply's payload.</summary>
    private async Task<ReceivedReply> RequestAsync(RequestKind kind, Func<string, byte[]> build, CancellationToken cancellationToken)
    {
        PendingRequest request;
        HubLink? link;
        lock (_lock)
        {
            ThrowIfClosedLocked();
            request = _pending.Add(kind, build);
            link = _current;
            if (link is not null)
            {
                request.SentOn = link.Generation;
            }
        }

        if (link is not null)
        {
            await SendQuietlyAsync(link, request.Envelope).ConfigureAwait(false);
        }

        try
        {
            return await request.Reply.Task.WaitAsync(_options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                _pending.Remove(request);
            }

            if (e is TimeoutException)
            {
                throw new TimeoutException($"{WireName(kind)}: no reply within {_options.RequestTimeout.TotalSeconds:0.###} s", e);
            }

            throw;
        }
    }

    /// <summary>Unsubscribes (<see cref="Subscription.DisposeAsync"/>, or a subscribe that timed out).</summary>
    internal async ValueTask UnsubscribeAsync(Subscription subscription)
    {
        PendingRequest? request = null;
        HubLink? link;
        lock (_lock)
        {
            link = _current;
            if (!subscription.IsEnded)
            {
                subscription.IsEnded = true;
                if (_subscriptions.TryGetValue(subscription.Channel, out var found) && ReferenceEquals(found, subscription))
                {
                    _subscriptions.Remove(subscription.Channel);
                }

                // Only a connection that was asked to subscribe needs telling; the next one never hears of it.
                if (link is not null && subscription.SubscribedOn == link.Generation && !_disposed)
                {
                    var channel = subscription.Channel;
                    request = _pending.Add(RequestKind.Unsubscribe, id => Encode(new Envelope { Type = EnvelopeType.Unsubscribe, Id = id, Channel = channel }));
                    request.SentOn = link.Generation;
                }
            }
        }

        subscription.Ready.TrySetException(new ObjectDisposedException(nameof(Subscription), $"the subscription to {subscription.Channel} was disposed"));
        _ = subscription.Ready.Task.Exception; // observed: nobody may be waiting
        if (request is not null)
        {
            await SendQuietlyAsync(link!, request.Envelope).ConfigureAwait(false);
            try
            {
                await request.Reply.Task.WaitAsync(_options.RequestTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HubErrorException or TimeoutException or ObjectDisposedException or IOException or InvalidOperationException)
            {
                // Unsubscribing cannot fail in a way the caller could act on: the connection's end unsubscribes too.
                lock (_lock)
                {
                    _pending.Remove(request);
                }
            }
        }

        await subscription.StopAsync(discardQueued: true).ConfigureAwait(false);
    }

    /// <summary>A <c>subscribe</c> for <paramref name="subscription"/> on <paramref name="link"/>, from its last position.</summary>
    private PendingRequest NewSubscribeLocked(Subscription subscription, HubLink link)
    {
        var channel = subscription.Channel;
        var since = subscription.Position;
        var request = _pending.Add(RequestKind.Subscribe, id => Encode(new Envelope { Type = EnvelopeType.Subscribe, Id = id, Channel = channel, Since = since }), subscription);
        request.SentOn = link.Generation;
        subscription.SubscribedOn = link.Generation;
        return request;
    }

    private static string WireName(RequestKind kind) => kind switch
    {
        RequestKind.Subscribe => "subscribe",
        RequestKind.Unsubscribe => "unsubscribe",
        RequestKind.Publish => "publish",
        RequestKind.Presence => "presence",
        RequestKind.History => "history",
        _ => "ping",
    };

    private void ThrowIfClosedLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state == HubClientState.Closed)
        {
            throw new InvalidOperationException($"The hub client is closed: {_closedBy?.Message}", _closedBy);
        }
    }

    /// <summary>One client envelope as one frame, in the codec of <see cref="HubClientOptions.Protocol"/>.</summary>
    private byte[] Encode(Envelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        _codec.WriteClient(buffer, envelope);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task SendQuietlyAsync(HubLink link, byte[] frame)
    {
        try
        {
            await link.Socket.SendAsync(_codec.MessageType, frame).ConfigureAwait(false);
        }
        catch (ConnectionClosedException)
        {
            // The request stays pending: it is sent again on the next connection, or ends with this one.
        }
    }

    /// <summary>Acknowledges a handled message on the connection that delivered it (the hub's session there waits for it).</summary>
    internal void SendAck(HubLink link, string messageId) => _ = SendQuietlyAsync(link, Encode(new Envelope { Type = EnvelopeType.Ack, Id = messageId }));

    internal void ReportHandlerFailure(string channel, Exception exception) => Log.HandlerFailed(_logger, channel, exception);
}
