using System.Buffers;
using Pulse.Hub.Core;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Hosting;

/// <summary>
/// The adapter between one WebSocket connection and its <see cref="Session"/>: the only hub code that awaits.
/// It reads frames and feeds the session, carries its effects out in order, runs engine requests and feeds
/// their results back, and keeps one timer at the session's next deadline.
/// </summary>
/// <remarks>
/// Every call into the session happens under <see cref="_lock"/>. Engine requests are started after the lock
/// is released, so a result that completes at once cannot re-enter the session mid-effects.
/// </remarks>
internal sealed class HubConnection
{
    private readonly Lock _lock = new();
    private readonly List<SessionEffect> _effects = [];
    private readonly HubNode _node;
    private readonly TimeProvider _time;
    private ITimer? _tick;
    private long? _armedDeadline;

    public HubConnection(HubNode node, WebSocketConnection socket, IEnvelopeCodec codec, int codecIndex, ClientIdentity? identity)
    {
        _node = node;
        _time = node.Time;
        Socket = socket;
        Codec = codec;
        CodecIndex = codecIndex;
        // Connection ids are unique per process only; across nodes (presence, acks) the node's id makes them unique.
        var clientId = node.Cluster is { } cluster ? $"{cluster.NodeId}-{socket.Id}" : socket.Id;
        Session = new Session(clientId, node.SessionSettings, identity, Now());
    }

    public WebSocketConnection Socket { get; }

    private volatile bool _isClosed;

    /// <summary>Set before the session's close-time unsubscribes run: engine work finishing later must undo itself.</summary>
    public bool IsClosed => _isClosed;

    public Session Session { get; }

    public IEnvelopeCodec Codec { get; }

    public int CodecIndex { get; }

    public string ClientId => Session.ClientId;

    public string User
    {
        get
        {
            lock (_lock)
            {
                return Session.User;
            }
        }
    }

    public async Task RunAsync()
    {
        Run(static (session, _, now) => { }, (object?)null);
        var results = new List<EnvelopeReadResult>();
        try
        {
            await foreach (var message in Socket.ConfigureAwait(false))
            {
                results.Clear();
                if (message.Type != Codec.MessageType)
                {
                    results.Add(new EnvelopeReadResult(null, new ProtocolError(ErrorCode.BadRequest, $"{Codec.Subprotocol} uses {Codec.MessageType.ToString().ToLowerInvariant()} frames")));
                }
                else
                {
                    Codec.Read(message.Data.Span, results);
                }

                Run(static (session, results, now) =>
                {
                    foreach (var result in results)
                    {
                        session.Receive(result, now);
                    }
                }, results);
            }
        }
        catch (ConnectionClosedException)
        {
            // The connection ended; Close below cleans up either way.
        }
        finally
        {
            _isClosed = true;
            Run(static (session, _, now) => session.Close(now), (object?)null);
            lock (_lock)
            {
                _tick?.Dispose();
                _tick = null;
            }
        }
    }

    /// <summary>A publication for this connection's session; <paramref name="nowMs"/> is the fan-out's recent clock reading.</summary>
    public void Deliver(string channel, string epoch, Publication publication, long nowMs)
    {
        lock (_lock)
        {
            // The common case: no effect, no ack to track, no deadline moved; only the shared frame to queue.
            if (Session.TryDeliverLive(channel, epoch, publication, nowMs))
            {
                HubMetrics.Delivered(publication.Timestamp, nowMs);
                Socket.TrySend(HubNode.Encode(this, channel, epoch, publication));
                return;
            }
        }

        Run(static (session, state, now) =>
        {
            HubMetrics.Delivered(state.publication.Timestamp, now);
            session.Deliver(state.channel, state.epoch, state.publication, now);
        }, (channel, epoch, publication));
    }

    public void DeliverJoinLeave(string channel, bool join, ClientInfo info) =>
        Run(static (session, state, now) => session.DeliverJoinLeave(state.channel, state.join, state.info, now), (channel, join, info));

    public void SubscribeFromServer(string channel) =>
        Run(static (session, channel, now) => session.SubscribeFromServer(channel, now), channel);

    /// <summary>How many deliveries wait for this client's ack.</summary>
    public int PendingAcks
    {
        get
        {
            lock (_lock)
            {
                return Session.PendingAcks;
            }
        }
    }

    public void Disconnect(CloseCode code, string reason) =>
        Run(static (session, state, now) => session.Disconnect(state.code, state.reason, now), (code, reason));

    /// <summary>Feeds the session under the lock, carries out its effects, then starts the engine work they asked for.</summary>
    private void Run<TState>(Action<Session, TState, long> input, TState state)
    {
        List<EngineRequest>? engineWork = null;
        lock (_lock)
        {
            var (pendingAcks, ackResends) = (Session.PendingAcks, Session.AckResends);
            input(Session, state, Now());
            HubMetrics.AcksChanged(Session.PendingAcks - pendingAcks, Session.AckResends - ackResends);
            Session.TakeEffects(_effects);
            foreach (var effect in _effects)
            {
                if (effect is CallEngine call)
                {
                    (engineWork ??= []).Add(call.Request);
                }
                else
                {
                    Execute(effect);
                }
            }

            _effects.Clear();
            ArmTickLocked();
        }

        if (engineWork is not null)
        {
            foreach (var request in engineWork)
            {
                _ = RunEngineAsync(request);
            }
        }
    }

    private void Execute(SessionEffect effect)
    {
        switch (effect)
        {
            case SendEnvelope send:
                var buffer = new ArrayBufferWriter<byte>(256);
                Codec.Write(buffer, send.Envelope);
                Socket.TrySend(new Message(Codec.MessageType, buffer.WrittenMemory));
                break;
            case SendPublication publication:
                Socket.TrySend(HubNode.Encode(this, publication.Channel, publication.Epoch, publication.Publication));
                break;
            case CloseConnection close:
                _ = CloseQuietlyAsync(close.Code, close.Reason);
                break;
            case ReportUndeliverable undeliverable:
                HubMetrics.AckFailed();
                _node.ReportUndeliverable(this, undeliverable);
                break;
        }
    }

    private async Task RunEngineAsync(EngineRequest request)
    {
        EngineResult? result;
        try
        {
            result = await _node.ExecuteAsync(this, request).ConfigureAwait(false);
        }
        catch (HubException e)
        {
            result = new EngineFailure(request.Number, e.Code, e.Message);
        }
        catch (Exception e)
        {
            // DESIGN: engines may fail; the client is told it is temporary and the connection stays up.
            HubMetrics.EngineError(request.GetType().Name);
            _node.ReportEngineFailure(this, request, e);
            result = new EngineFailure(request.Number, ErrorCode.Unavailable, "the hub's engine is unavailable; try again");
        }

        if (result is not null)
        {
            Run(static (session, result, now) => session.Complete(result, now), result);
        }
    }

    private async Task CloseQuietlyAsync(CloseCode code, string reason)
    {
        try
        {
            await Socket.CloseAsync(code, reason).ConfigureAwait(false);
        }
        catch (ConnectionClosedException)
        {
        }
    }

    private void ArmTickLocked()
    {
        var deadline = Session.State == SessionState.Closed ? null : Session.NextDeadlineMs;
        if (deadline == _armedDeadline)
        {
            return;
        }

        _armedDeadline = deadline;
        if (deadline is not { } due)
        {
            _tick?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var delay = TimeSpan.FromMilliseconds(Math.Max(0, due - Now()));
        if (_tick is null)
        {
            _tick = _time.CreateTimer(static state => ((HubConnection)state!).OnTick(), this, delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _tick.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTick()
    {
        lock (_lock)
        {
            _armedDeadline = null;
        }

        Run(static (session, _, now) => session.Tick(now), (object?)null);
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
