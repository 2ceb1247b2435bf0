namespace Pulse.Hub.Protocol;

/// <summary>
/// An envelope the server sends. Codecs encode these, and read them back on the client side; the server writes
/// <c>message</c> envelopes through <see cref="IEnvelopeCodec.WriteMessage"/>, so a fan-out builds no record.
/// </summary>
public abstract record ServerEnvelope;

/// <summary><c>welcome</c>: sent once when the connection opens.</summary>
/// <param name="Client">This connection's client id.</param>
/// <param name="HeartbeatSeconds">How often the client should send <c>ping</c> if it cannot send ping frames.</param>
/// <param name="Time">The server's clock, Unix milliseconds.</param>
public sealed record WelcomeEnvelope(string Client, int HeartbeatSeconds, long Time) : ServerEnvelope;

/// <summary><c>reply</c> to a request.</summary>
/// <param name="Id">The request's id.</param>
/// <param name="Payload">What the reply says.</param>
public sealed record ReplyEnvelope(string Id, ReplyPayload Payload) : ServerEnvelope;

/// <summary><c>error</c>: a request failed; <see cref="Id"/> is null when the request had none.</summary>
public sealed record ErrorEnvelope(string? Id, ErrorCode Code, string Message) : ServerEnvelope;

/// <summary><c>join</c> or <c>leave</c> on a channel.</summary>
public sealed record JoinLeaveEnvelope(bool Join, string Channel, ClientInfo Info) : ServerEnvelope;

/// <summary><c>pong</c>, with the id of the <c>ping</c>.</summary>
public sealed record PongEnvelope(string? Id) : ServerEnvelope;

/// <summary><c>message</c>: <paramref name="Publication"/> delivered on <paramref name="Channel"/>.</summary>
/// <param name="Channel">The channel it was published to.</param>
/// <param name="Epoch">The epoch of the channel's stream that <see cref="Publication.Offset"/> belongs to.</param>
/// <param name="Publication">The publication; <see cref="Publication.AckRequired"/> when the recipient must send <c>ack</c>.</param>
public sealed record MessageEnvelope(string Channel, string Epoch, Publication Publication) : ServerEnvelope
{
    /// <summary>The message id, <c>{epoch}:{offset}</c>: the same for every recipient and every resend.</summary>
    public string Id => MessageId.Of(Epoch, Publication.Offset);
}

/// <summary>The payload of a reply, by request type.</summary>
public abstract record ReplyPayload;

/// <summary>Reply to <c>connect</c>.</summary>
public sealed record ConnectReply(string Client, string User) : ReplyPayload;

/// <summary>Reply to <c>subscribe</c>: the latest position and, when recovery was asked, what was missed.</summary>
/// <param name="Position">The channel's latest position.</param>
/// <param name="Recovered">With <c>since</c>: whether every missed publication is in <see cref="Publications"/>; null without.</param>
/// <param name="Publications">With <c>since</c>: the missed publications in order; empty without.</param>
public sealed record SubscribeReply(StreamPosition Position, bool? Recovered, IReadOnlyList<Publication> Publications) : ReplyPayload;

/// <summary>Reply to <c>unsubscribe</c>: <c>{}</c>.</summary>
public sealed record EmptyReply : ReplyPayload
{
    /// <summary>The one instance.</summary>
    public static EmptyReply Instance { get; } = new();
}

/// <summary>Reply to <c>publish</c>: the offset the publication got.</summary>
public sealed record PublishReply(long Offset) : ReplyPayload;

/// <summary>Reply to <c>presence</c>.</summary>
public sealed record PresenceReply(IReadOnlyList<ClientInfo> Clients) : ReplyPayload;

/// <summary>Reply to <c>history</c>.</summary>
public sealed record HistoryReply(StreamPosition Position, IReadOnlyList<Publication> Publications) : ReplyPayload;
