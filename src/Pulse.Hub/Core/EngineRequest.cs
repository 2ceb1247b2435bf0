using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>
/// Work a session needs from the node and its engines. <see cref="Number"/> correlates the result; results
/// come back through <see cref="Session.Complete"/> as an <see cref="EngineResult"/> with the same number.
/// </summary>
internal abstract record EngineRequest(long Number);

/// <summary>Verify a token; answered by <see cref="AuthenticateResult"/> or <see cref="EngineFailure"/> (401).</summary>
internal sealed record AuthenticateRequest(long Number, string Token) : EngineRequest(Number);

/// <summary>
/// Subscribe the session to a channel: register it as a local subscriber FIRST (so live publications reach
/// <see cref="Session.Deliver"/> from now on), then add presence and announce a join where the policy says,
/// then read the stream: its latest position, and with <see cref="Since"/> the publications after it.
/// Answered by <see cref="SubscribeResult"/>.
/// </summary>
internal sealed record SubscribeRequest(long Number, string Channel, ChannelPolicy Policy, ClientInfo Info, StreamPosition? Since) : EngineRequest(Number);

/// <summary>
/// Unsubscribe: remove the local subscriber, presence and announce a leave where the policy says.
/// Answered by <see cref="DoneResult"/>. Also issued, unanswered, when the session closes.
/// </summary>
internal sealed record UnsubscribeRequest(long Number, string Channel, ChannelPolicy Policy, ClientInfo Info) : EngineRequest(Number);

/// <summary>Publish; answered by <see cref="PublishResult"/>.</summary>
internal sealed record PublishRequest(long Number, string Channel, ChannelPolicy Policy, ReadOnlyMemory<byte> Data, ClientInfo Info, bool AckRequired) : EngineRequest(Number);

/// <summary>Read presence; answered by <see cref="PresenceResult"/>.</summary>
internal sealed record PresenceRequest(long Number, string Channel) : EngineRequest(Number);

/// <summary>Read history after <see cref="Since"/> (from the start when null), at most <see cref="Limit"/>; answered by <see cref="HistoryResult"/>.</summary>
internal sealed record HistoryRequest(long Number, string Channel, ChannelPolicy Policy, StreamPosition? Since, int? Limit) : EngineRequest(Number);

/// <summary>The outcome of an <see cref="EngineRequest"/>.</summary>
internal abstract record EngineResult(long Number);

/// <summary>The request failed; the session answers with an error envelope.</summary>
internal sealed record EngineFailure(long Number, ErrorCode Code, string Message) : EngineResult(Number);

/// <summary>The token is valid.</summary>
internal sealed record AuthenticateResult(long Number, ClientIdentity Identity) : EngineResult(Number);

/// <summary>
/// A stream read for a subscription: the latest position and, when <c>Since</c> was given in the same epoch,
/// the publications after it that the history still holds, in order (empty otherwise). The session decides
/// from these whether recovery is complete.
/// </summary>
internal sealed record SubscribeResult(long Number, StreamPosition Latest, IReadOnlyList<Publication> PublicationsSince) : EngineResult(Number);

/// <summary>Done, nothing to report.</summary>
internal sealed record DoneResult(long Number) : EngineResult(Number);

/// <summary>The publication's place in the stream.</summary>
internal sealed record PublishResult(long Number, StreamPosition Position) : EngineResult(Number);

/// <summary>Who is in the channel.</summary>
internal sealed record PresenceResult(long Number, IReadOnlyList<ClientInfo> Clients) : EngineResult(Number);

/// <summary>Publications and the latest position.</summary>
internal sealed record HistoryResult(long Number, StreamPosition Latest, IReadOnlyList<Publication> Publications) : EngineResult(Number);
