namespace Pulse.Hub.Client.Internal;

/// <summary>
/// Delays between reconnection attempts: exponential backoff with "equal jitter", the shape of
/// <c>Pulse.Internal.Backoff</c> behind <c>WebSocketClient.ConnectForeverAsync</c>. Each delay is drawn between
/// half and all of the current step; the step grows by a factor up to a cap; a connection that stayed up resets it.
/// </summary>
/// <remarks>Pure: the randomness is passed in, so tests can fix it. Not thread-safe.</remarks>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, double factor, Func<double> nextRandom)
{
    private TimeSpan? _step;

    /// <summary>The delay to wait before the next attempt; the one after will be longer, up to the cap.</summary>
    public TimeSpan Next()
    {
        var step = _step ?? initial;
        if (step > max)
        {
            step = max;
        }

        _step = TimeSpan.FromTicks((long)Math.Min(max.Ticks, step.Ticks * factor));

        // Clients that dropped together (a server restart) should not all come back in the same instant.
        return step / 2 + step / 2 * nextRandom();
    }

    /// <summary>Back to the initial step, after a connection that stayed up.</summary>
    public void Reset() => _step = null;
}
