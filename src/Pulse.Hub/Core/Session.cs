using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>
/// The hub's protocol for one connection, sans-I/O (DESIGN §2): envelopes, publications and engine results in;
/// effects out. No sockets, no clock, no threads: time is passed in as Unix milliseconds.
/// </summary>
/// <remarks>
/// <para>
/// The adapter feeds every input, then drains <see cref="TakeEffects"/> and carries the effects out in order,
/// and calls <see cref="Tick"/> at <see cref="NextDeadlineMs"/>. Not thread-safe: the adapter serializes calls.
/// </para>
/// <para>
/// Rules it holds: a bad envelope gets an <c>error</c> (with the request id when there is one) and the
/// connection stays open, unless errors flood; recovery on <c>subscribe</c> with <c>since</c> returns exactly
/// the missed publications, then live messages follow with no gap and no duplicate; deliveries of
/// publications with <c>ack_required</c> are resent with the same id and backoff until acknowledged, up to a
/// bound; a <c>publish</c> retried with the same id is applied once and answered with the same reply.
/// </para>
/// <para>
/// Once the session asked for the connection to close (<see cref="CloseConnection"/>), it ignores every input
/// but <see cref="Close"/>, which the adapter calls when the connection is gone.
/// </para>
/// </remarks>
internal sealed partial class Session
{
    private readonly SessionSettings _settings;
    private readonly List<SessionEffect> _effects = [];
    private readonly Dictionary<long, PendingCall> _calls = [];
    private readonly Subscriptions _subscriptions;
    private readonly AckTracker _acks;
    private readonly DedupWindow _publishIds;
    private readonly RateLimiter _requestRate;
    private readonly ErrorBudget _errors;

    // Channels whose engine state may outlive a failed subscribe or unsubscribe: cleaned up again on close.
    private readonly HashSet<string> _cleanUpOnClose = new(StringComparer.Ordinal);

    private readonly long _connectDeadlineMs;
    private ClientIdentity? _identity;
    private SessionState _state;
    private bool _closeRequested;
    private bool _connectInFlight;
    private long _lastRequestNumber;

    /// <summary>
    /// Opens a session and queues its <c>welcome</c>. With an <paramref name="identity"/> (a token verified at
    /// the upgrade) or anonymous access on, it starts <see cref="SessionState.Connected"/>; otherwise
    /// <see cref="SessionState.Authenticating"/>, and it must <c>connect</c> within the connect timeout.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is empty.</exception>
    public Session(string clientId, SessionSettings settings, ClientIdentity? identity, long nowMs)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(settings);
        ClientId = clientId;
        _settings = settings;
        _identity = identity;
        _subscriptions = new Subscriptions(settings.RecoveryBufferLimit);
        _acks = new AckTracker(settings.AckRetryInitialMs, settings.AckRetryFactor, settings.AckMaxAttempts);
        _publishIds = new DedupWindow(settings.DedupWindowSize, settings.DedupWindowMs);
        _requestRate = new RateLimiter(settings.RequestsPerSecond, settings.RequestBurst, nowMs);
        _errors = new ErrorBudget(settings.MaxErrors, settings.ErrorWindowMs);
        _connectDeadlineMs = nowMs + settings.ConnectTimeoutMs;
        _state = identity is not null || settings.AllowAnonymous ? SessionState.Connected : SessionState.Authenticating;
        Send(new WelcomeEnvelope(clientId, settings.HeartbeatSeconds, nowMs));
    }

    /// <summary>This connection's client id.</summary>
    public string ClientId { get; }

    /// <summary>The authenticated user, or empty when anonymous.</summary>
    public string User => _identity?.User ?? "";

    /// <summary>The session's state.</summary>
    public SessionState State => _state;

    /// <summary>The channels subscribed (or being subscribed) to.</summary>
    public IReadOnlyCollection<string> Channels => _subscriptions.Channels;

    /// <summary>When <see cref="Tick"/> must run next (ack resends, the connect deadline, token expiry); null when nothing is due.</summary>
    public long? NextDeadlineMs
    {
        get
        {
            if (IsInert)
            {
                return null;
            }

            var next = _acks.NextRetryMs;
            if (_state == SessionState.Authenticating)
            {
                next = Earliest(next, _connectDeadlineMs);
            }

            if (_identity?.ExpiresAtMs is { } expiresAtMs)
            {
                next = Earliest(next, expiresAtMs);
            }

            return next;
        }
    }

    private ClientInfo Info => new(ClientId, User);

    // Closed, or a close was asked for: inputs change nothing any more.
    private bool IsInert => _state == SessionState.Closed || _closeRequested;

    /// <summary>An envelope (or the error that replaced it) arrived from the client.</summary>
    public void Receive(EnvelopeReadResult input, long nowMs)
    {
        if (IsInert || CloseIfTokenExpired(nowMs))
        {
            return;
        }

        if (input.Error is { } error)
        {
            // DESIGN: a bad envelope gets an error and the connection stays open.
            SendError(error.Id, error.Code, error.Message, nowMs);
            return;
        }

        var envelope = input.Envelope ?? throw new ArgumentException("Expected an envelope or an error.", nameof(input));
        if (envelope.Type == EnvelopeType.Ack)
        {
            OnAck(envelope.Id!);
            return;
        }

        var id = envelope.Id!;
        if (!_requestRate.TryTake(nowMs))
        {
            SendError(id, ErrorCode.LimitExceeded, "too many requests: slow down", nowMs);
            return;
        }

        if (_state == SessionState.Authenticating && envelope.Type is not (EnvelopeType.Connect or EnvelopeType.Ping))
        {
            SendError(id, ErrorCode.Unauthorized, "authentication required: send connect with a token first", nowMs);
            return;
        }

        switch (envelope.Type)
        {
            case EnvelopeType.Connect:
                OnConnect(id, envelope.Token!, nowMs);
                break;
            case EnvelopeType.Subscribe:
                OnSubscribe(id, envelope.Channel!, envelope.Since, nowMs);
                break;
            case EnvelopeType.Unsubscribe:
                OnUnsubscribe(id, envelope.Channel!, nowMs);
                break;
            case EnvelopeType.Publish:
                OnPublish(id, envelope, nowMs);
                break;
            case EnvelopeType.Presence:
                OnPresence(id, envelope.Channel!, nowMs);
                break;
            case EnvelopeType.History:
                OnHistory(id, envelope.Channel!, envelope.Since, envelope.Limit, nowMs);
                break;
            case EnvelopeType.Ping:
                Send(new PongEnvelope(id));
                break;
            default:
                SendError(id, ErrorCode.UnknownType, $"'{WireNames.Of(envelope.Type)}' is not a client request", nowMs);
                break;
        }
    }

    /// <summary>Time passed: resend unacknowledged messages, enforce deadlines.</summary>
    public void Tick(long nowMs)
    {
        if (IsInert || CloseIfTokenExpired(nowMs))
        {
            return;
        }

        if (_state == SessionState.Authenticating && nowMs >= _connectDeadlineMs)
        {
            RequestClose(CloseCode.PolicyViolation, "authentication required");
            return;
        }

        ResendUnacknowledged(nowMs);
    }

    /// <summary>Server-side API: close this connection with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    public void Disconnect(CloseCode code, string reason, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!IsInert)
        {
            RequestClose(code, reason);
        }
    }

    /// <summary>
    /// The connection closed: the session queues an unanswered <see cref="UnsubscribeRequest"/> per channel
    /// (so presence and local subscribers are cleaned up), and becomes <see cref="SessionState.Closed"/>.
    /// </summary>
    public void Close(long nowMs)
    {
        if (_state == SessionState.Closed)
        {
            return;
        }

        foreach (var subscription in _subscriptions.All)
        {
            // An unsubscribe already in flight does the work; a subscribe in flight is undone like a finished one.
            if (subscription.State != SubscriptionState.Unsubscribing)
            {
                _cleanUpOnClose.Remove(subscription.Channel);
                _effects.Add(new CallEngine(new UnsubscribeRequest(NextRequestNumber(), subscription.Channel, subscription.Policy, Info)));
            }
        }

        foreach (var channel in _cleanUpOnClose)
        {
            if (_subscriptions.Find(channel) is null)
            {
                _effects.Add(new CallEngine(new UnsubscribeRequest(NextRequestNumber(), channel, _settings.ResolvePolicy(channel), Info)));
            }
        }

        _cleanUpOnClose.Clear();
        _subscriptions.Clear();
        _calls.Clear();
        _acks.Clear();
        _state = SessionState.Closed;
    }

    /// <summary>Moves the queued effects into <paramref name="into"/>, in order.</summary>
    public void TakeEffects(List<SessionEffect> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.AddRange(_effects);
        _effects.Clear();
    }

    private static long Earliest(long? a, long b) => a is { } value && value < b ? value : b;

    private void Send(ServerEnvelope envelope) => _effects.Add(new SendEnvelope(envelope));

    private void Reply(string? id, ReplyPayload payload)
    {
        if (id is not null)
        {
            Send(new ReplyEnvelope(id, payload));
        }
    }

    /// <summary>Sends an error; errors the client caused count toward the flood limit, and exhausting it closes with 1008.</summary>
    private void SendError(string? id, ErrorCode code, string message, long nowMs)
    {
        Send(new ErrorEnvelope(id, code, message));
        if (IsClientError(code) && _errors.Record(nowMs))
        {
            RequestClose(CloseCode.PolicyViolation, "too many errors");
        }
    }

    // 4xx codes and applications' 4000-4999 are the client's doing; 5xx ones (engines failing) are not.
    private static bool IsClientError(ErrorCode code) => (int)code is (>= 400 and < 500) or (>= 4000 and < 5000);

    private void RequestClose(CloseCode code, string reason)
    {
        if (!_closeRequested)
        {
            _closeRequested = true;
            _effects.Add(new CloseConnection(code, reason));
        }
    }

    private bool CloseIfTokenExpired(long nowMs)
    {
        if (_identity?.ExpiresAtMs is { } expiresAtMs && nowMs >= expiresAtMs)
        {
            RequestClose(CloseCode.PolicyViolation, "token expired");
            return true;
        }

        return false;
    }

    private long NextRequestNumber() => ++_lastRequestNumber;

    /// <summary>Asks the adapter to run <paramref name="request"/>; its result is answered to <paramref name="replyId"/>.</summary>
    private void Call(EngineRequest request, string? replyId)
    {
        _calls.Add(request.Number, new PendingCall(request, replyId));
        _effects.Add(new CallEngine(request));
    }

    /// <summary>An engine call in flight and the request id its outcome answers (null: nobody to answer).</summary>
    private sealed record PendingCall(EngineRequest Request, string? ReplyId);
}
