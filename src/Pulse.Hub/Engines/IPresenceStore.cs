using Pulse.Hub.Protocol;

namespace Pulse.Hub.Engines;

/// <summary>
/// Who is subscribed to each channel with presence, across nodes. Entries expire unless refreshed, so the
/// clients of a node that died disappear on their own.
/// </summary>
/// <remarks>Every call may cross a network: async, may fail. Implementations are thread-safe.</remarks>
public interface IPresenceStore
{
    /// <summary>Adds or refreshes a client in a channel's presence; it expires after <paramref name="ttl"/> unless refreshed.</summary>
    Task AddAsync(string channel, ClientInfo info, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Removes a client from a channel's presence. Removing an absent client does nothing.</summary>
    Task RemoveAsync(string channel, string clientId, CancellationToken cancellationToken = default);

    /// <summary>The clients present in a channel now, expired ones excluded.</summary>
    Task<IReadOnlyList<ClientInfo>> GetAsync(string channel, CancellationToken cancellationToken = default);
}
