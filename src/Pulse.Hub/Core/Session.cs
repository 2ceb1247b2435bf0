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
/// </remarks>
public sealed partial class Session
{
    /// <summary>
    /// Opens a session and queues its <c>welcome</c>. With an <paramref name="identity"/> (a token verified at
    /// the upgrade) or anonymous access on, it starts <see cref="SessionState.Connected"/>; otherwise
    /// <see cref="SessionState.Authenticating"/>, and it must <c>connect</c> within the connect timeout.
    /// </summary>
    public Session(string clientId, SessionSettings settings, ClientIdentity? identity, long nowMs) =>
        throw new NotImplementedException();

    /// <summary>This connection's client id.</summary>
    public string ClientId => throw new NotImplementedException();

    /// <summary>The authenticated user, or empty when anonymous.</summary>
    public string User => throw new NotImplementedException();

    /// <summary>The session's state.</summary>
    public SessionState State => throw new NotImplementedException();

    /// <summary>The channels subscribed (or being subscribed) to.</summary>
    public IReadOnlyCollection<string> Channels => throw new NotImplementedException();

    /// <summary>When <see cref="Tick"/> must run next (ack resends, the connect deadline, token expiry); null when nothing is due.</summary>
    public long? NextDeadlineMs => throw new NotImplementedException();

    /// <summary>An envelope (or the error that replaced it) arrived from the client.</summary>
    public void Receive(EnvelopeReadResult input, long nowMs) => throw new NotImplementedException();

    /// <summary>A publication arrived on a channel this session is subscribed to (or subscribing to).</summary>
    public void Deliver(string channel, string epoch, Publication publication, long nowMs) => throw new NotImplementedException();

    /// <summary>A client joined or left a channel this session is subscribed to.</summary>
    public void DeliverJoinLeave(string channel, bool join, ClientInfo info, long nowMs) => throw new NotImplementedException();

    /// <summary>An engine request finished.</summary>
    public void Complete(EngineResult result, long nowMs) => throw new NotImplementedException();

    /// <summary>Time passed: resend unacknowledged messages, enforce deadlines.</summary>
    public void Tick(long nowMs) => throw new NotImplementedException();

    /// <summary>Server-side API: subscribe this session to <paramref name="channel"/> without a client request (no reply is sent).</summary>
    public void SubscribeFromServer(string channel, long nowMs) => throw new NotImplementedException();

    /// <summary>Server-side API: close this connection with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    public void Disconnect(CloseCode code, string reason, long nowMs) => throw new NotImplementedException();

    /// <summary>
    /// The connection closed: the session queues an unanswered <see cref="UnsubscribeRequest"/> per channel
    /// (so presence and local subscribers are cleaned up), and becomes <see cref="SessionState.Closed"/>.
    /// </summary>
    public void Close(long nowMs) => throw new NotImplementedException();

    /// <summary>Moves the queued effects into <paramref name="into"/>, in order.</summary>
    public void TakeEffects(List<SessionEffect> into) => throw new NotImplementedException();
}
