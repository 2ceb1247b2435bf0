namespace Pulse.Internal;

/// <summary>
/// Connections whose output this thread is to flush at the end of the work in hand: the messages of one read
/// (echoes, pongs) or one broadcast's recipients. Without a batch, each connection with output queues its own
/// drain to the thread pool, a dispatch per connection per batch; within one, the thread that did the work
/// flushes them all when it is done, with no dispatch, as an event loop would.
/// </summary>
/// <remarks>
/// A batch lives on one thread and must not span an await: the owner ends it before awaiting. Batches do not
/// nest: an inner <see cref="Begin"/> (a broadcast from a handler running inside a read) joins the outer one.
/// </remarks>
internal static class DrainBatch
{
    [ThreadStatic]
    private static List<WebSocketConnection>? s_pending;

    [ThreadStatic]
    private static List<WebSocketConnection>? s_spare;

    [ThreadStatic]
    private static bool s_active;

    /// <summary>Starts a batch on this thread; false when one is already active (the caller then must not end it).</summary>
    public static bool Begin()
    {
        if (s_active)
        {
            return false;
        }

        s_active = true;
        return true;
    }

    /// <summary>Adds a connection whose drain is due to this thread's batch; false when no batch is active.</summary>
    public static bool TryDefer(WebSocketConnection connection)
    {
        if (!s_active)
        {
            return false;
        }

        (s_pending ??= []).Add(connection);
        return true;
    }

    /// <summary>Ends this thread's batch and starts the drain of every connection deferred to it.</summary>
    public static void End()
    {
        s_active = false;
        if (s_pending is not { Count: > 0 } pending)
        {
            return;
        }

        // A drain may end in code that starts a batch of its own on this thread: give it a fresh list.
        s_pending = s_spare;
        s_spare = null;
        try
        {
            foreach (var connection in pending)
            {
                connection.StartDeferredDrain();
            }
        }
        finally
        {
            pending.Clear();
            s_spare = pending;
        }
    }
}
