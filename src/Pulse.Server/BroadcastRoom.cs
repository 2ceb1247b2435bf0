using System.Collections.Concurrent;

namespace Pulse.Server;

/// <summary><c>/broadcast</c>: the seed's chat room, every message relayed to all other connections, through <see cref="Broadcast"/>.</summary>
internal sealed class BroadcastRoom
{
    private readonly ConcurrentDictionary<WebSocketConnection, byte> _members = new();

    public async Task RunAsync(WebSocketConnection connection)
    {
        _members.TryAdd(connection, 0);
        try
        {
            await foreach (var message in connection.ConfigureAwait(false))
            {
                Broadcast.Send(Others(connection), message);
            }
        }
        finally
        {
            _members.TryRemove(connection, out _);
        }
    }

    private IEnumerable<WebSocketConnection> Others(WebSocketConnection sender)
    {
        // The dictionary itself, not its Keys: Keys takes every lock and copies all members into a new list,
        // per message; the enumerator takes no lock and allocates nothing per member.
        foreach (var (member, _) in _members)
        {
            if (member != sender)
            {
                yield return member;
            }
        }
    }
}
