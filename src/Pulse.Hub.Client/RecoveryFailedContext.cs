using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

/// <summary>What <see cref="SubscribeOptions.OnRecoveryFailed"/> learns: where the subscription was, and where it goes on.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Since">The last position the subscription had seen, which the hub could not recover from.</param>
/// <param name="Position">The channel's position now: messages that follow come after it.</param>
public sealed record RecoveryFailedContext(string Channel, StreamPosition? Since, StreamPosition Position);
