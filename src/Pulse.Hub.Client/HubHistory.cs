using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

/// <summary>What <see cref="HubClient.HistoryAsync"/> returns: the channel's position and the publications read.</summary>
/// <param name="Position">The channel's latest position: its epoch and the offset of its latest publication.</param>
/// <param name="Publications">The publications read, oldest first.</param>
public sealed record HubHistory(StreamPosition Position, IReadOnlyList<HubMessage> Publications);
