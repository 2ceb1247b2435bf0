using System.Collections.Concurrent;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Engines;

/// <summary>The default presence store: one node, in memory, entries expiring unless refreshed.</summary>
public sealed class InMemoryPresenceStore : IPresenceStore
{
    private readonly ConcurrentDictionary<string, Dictionary<string, (ClientInfo Info, long ExpiresAtMs)>> _channels = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public InMemoryPresenceStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <inheritdoc/>
    public Task AddAsync(string channel, ClientInfo info, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var clients = _channels.GetOrAdd(channel, static _ => []);
            lock (clients)
            {
                // A remove that emptied this table dropped it from the map meanwhile: adding here would be lost.
                if (_channels.TryGetValue(channel, out var current) && current == clients)
                {
                    clients[info.Client] = (info, Now() + (long)ttl.TotalMilliseconds);
                    return Task.CompletedTask;
                }
            }
        }
    }

    /// <inheritdoc/>
    public Task RemoveAsync(string channel, string clientId, CancellationToken cancellationToken = default)
    {
        if (_channels.TryGetValue(channel, out var clients))
        {
            lock (clients)
            {
                clients.Remove(clientId);
                if (clients.Count == 0)
                {
                    _channels.TryRemove(new KeyValuePair<string, Dictionary<string, (ClientInfo, long)>>(channel, clients));
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ClientInfo>> GetAsync(string channel, CancellationToken cancellationToken = default)
    {
        if (!_channels.TryGetValue(channel, out var clients))
        {
            return Task.FromResult<IReadOnlyList<ClientInfo>>([]);
        }

        var now = Now();
        lock (clients)
        {
            var present = new List<ClientInfo>(clients.Count);
            foreach (var (client, entry) in clients.ToArray())
            {
                if (entry.ExpiresAtMs <= now)
                {
                    clients.Remove(client);
                }
                else
                {
                    present.Add(entry.Info);
                }
            }

            return Task.FromResult<IReadOnlyList<ClientInfo>>(present);
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
