namespace Pulse.Hub.Core;

/// <summary>
/// A token bucket: holds up to <c>burst</c> tokens, refills at <c>ratePerSecond</c>, and each request takes one.
/// It starts full. Pure: time is passed in; a clock that goes backwards refills nothing. Not thread-safe.
/// </summary>
internal sealed class RateLimiter
{
    private readonly double _ratePerMs;
    private readonly double _burst;
    private double _tokens;
    private long _lastMs;

    public RateLimiter(double ratePerSecond, int burst, long nowMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _ratePerMs = ratePerSecond / 1000;
        _burst = burst;
        _tokens = burst;
        _lastMs = nowMs;
    }

    /// <summary>Takes one token if there is one.</summary>
    public bool TryTake(long nowMs)
    {
        if (nowMs > _lastMs)
        {
            _tokens = Math.Min(_burst, _tokens + ((nowMs - _lastMs) * _ratePerMs));
            _lastMs = nowMs;
        }

        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
