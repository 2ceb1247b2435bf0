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
        foreach (var member in _members.Keys)
        {
            if (member != sender)
            {
                yield return member;
            }
        }
    }
}
