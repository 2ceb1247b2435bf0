using Pulse.Internal;

namespace Pulse;

/// <summary>
/// A scope, from <see cref="Broadcast.BeginBatch"/>, in which the connections this thread sends to are flushed
/// once, by this thread, when it is disposed, instead of by a thread-pool work item each: for a loop that sends one
/// message to many connections with <see cref="WebSocketConnection.TrySend(PreparedMessage, BroadcastPolicy)"/>
/// (<see cref="Broadcast.Send(IEnumerable{WebSocketConnection}, PreparedMessage, BroadcastPolicy)"/> does it itself).
/// </summary>
/// <remarks>
/// Dispose it once, on the thread that began it, before any await: output sent inside it waits for the dispose.
/// Batches do not nest; one begun inside another (or inside a read being handled) joins the outer one.
/// </remarks>
public readonly struct SendBatch : IDisposable
{
    private readonly bool _owner;

    internal SendBatch(bool owner) => _owner = owner;

    /// <summary>Flushes every connection sent to within the batch, unless an outer batch will.</summary>
    public void Dispose()
    {
        if (_owner)
        {
            DrainBatch.End();
        }
    }
}
