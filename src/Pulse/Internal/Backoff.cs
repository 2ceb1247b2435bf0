namespace Pulse.Internal;

/// <summary>
/// Exponential backoff with jitter for reconnecting: each delay is drawn between half and all of the current
/// step, the step grows by a factor up to a cap, and a stable connection resets it.
/// </summary>
/// <remarks>Pure: the randomness is passed in, so tests can fix it.</remarks>
internal sealed class Backoff(TimeSpan initial, TimeSpan max, double factor, Func<double> nextRandom)
{
    private TimeSpan _step;
    private bool _started;

    /// <summary>The delay to wait now; the next one will be longer, up to the cap.</summary>
    public TimeSpan Next()
    {
        if (!_started)
        {
            _started = true;
            _step = initial;
        }

        var step = _step < max ? _step : max;
        _step = TimeSpan.FromTicks((long)Math.Min(max.Ticks, step.Ticks * factor));

        // "Equal jitter": half fixed, half random, so clients that dropped together do not return together.
        return step / 2 + step / 2 * nextRandom();
    }

    /// <summary>Back to the initial step, after a connection that stayed up.</summary>
    public void Reset() => _started = false;
}
