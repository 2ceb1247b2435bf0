using System.Diagnostics;

namespace Pulse.Hub.Client.Internal;

/// <summary>
/// One WebSocket connection of a <see cref="HubClient"/> after the hub's <c>welcome</c> and the <c>connect</c>
/// reply: the socket, what the hub said about it, and a way to give it up without waiting for the peer.
/// </summary>
internal sealed class HubLink : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop;
    private CloseFrame? _givenUp;

    public HubLink(WebSocketConnection socket, long generation, string clientId, string user, int heartbeatSeconds, CancellationToken clientStopping)
    {
        Socket = socket;
        Generation = generation;
        ClientId = clientId;
        User = user;
        HeartbeatSeconds = heartbeatSeconds;
        OpenedAt = Stopwatch.GetTimestamp();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(clientStopping);
        Stopping = _stop.Token;
    }

    public WebSocketConnection Socket { get; }

    /// <summary>1 for the first connection, then one more for each reconnection attempt.</summary>
    public long Generation { get; }

    public string ClientId { get; }

    public string User { get; }

    /// <summary>How often to send <c>ping</c>, from the <c>welcome</c>; 0 sends none.</summary>
    public int HeartbeatSeconds { get; }

    public long OpenedAt { get; }

    /// <summary>Cancelled when the link is given up or the client is disposed: its loops stop.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Why the link ended: what this side decided, else the hub's close frame, else ours, else 1006.</summary>
    public CloseFrame CloseStatus
    {
        get
        {
            lock (_lock)
            {
                return _givenUp ?? Socket.CloseReceived ?? Socket.CloseSent ?? new CloseFrame(CloseCode.AbnormalClosure, "");
            }
        }
    }

    /// <summary>Whether this side gave the link up (a silent link, a failed resubscription): it is worth reconnecting.</summary>
    public bool GivenUp
    {
        get
        {
            lock (_lock)
            {
                return _givenUp is not null;
            }
        }
    }

    /// <summary>
    /// Gives the link up at once: the read loop stops now and the client reconnects, while the close frame
    /// goes out in the background (a dead link would make a closing handshake wait for its timeout).
    /// </summary>
    public void GiveUp(CloseCode code, string reason)
    {
        lock (_lock)
        {
            if (_givenUp is not null)
            {
                return;
            }

            _givenUp = new CloseFrame(code, reason);
        }

        Stop();
        _ = CloseQuietlyAsync(Socket, code, reason);
    }

    /// <summary>Stops the link's loops (heartbeat, reads).</summary>
    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _stop.Dispose();

    public static async Task CloseQuietlyAsync(WebSocketConnection socket, CloseCode code, string reason)
    {
        try
        {
            await socket.CloseAsync(code, reason).ConfigureAwait(false);
        }
        catch (ConnectionClosedException)
        {
        }
    }
}
