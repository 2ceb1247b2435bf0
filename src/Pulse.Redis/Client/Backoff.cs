namespace Pulse.Redis.Client;

/// <summary>Reconnection delays: doubling from a first delay up to a cap, with jitter so nodes do not retry in step. Pure.</summary>
internal sealed class Backoff(TimeSpan first, TimeSpan max)
{
    private int _attempt;

    /// <summary>The delay before the next attempt.</summary>
    public TimeSpan Next(double random)
    {
        var exponent = Math.Min(_attempt++, 16);
        var delay = Math.Min(first.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);

        // Between half and all of the delay.
        return TimeSpan.FromMilliseconds(delay * (0.5 + (0.5 * random)));
    }

    /// <summary>Starts over after a success.</summary>
    public void Reset() => _attempt = 0;
}
