namespace Pulse.Hub.Core;

/// <summary>
/// Counts a client's errors over a sliding window (DESIGN §2: only abuse, such as a flood of errors, closes
/// the connection). <c>maxErrors</c> errors within <c>windowMs</c> exhaust the budget; 0 never does. Pure; not thread-safe.
/// </summary>
internal sealed class ErrorBudget
{
    private readonly Queue<long> _errorTimes = new();
    private readonly int _maxErrors;
    private readonly long _windowMs;

    public ErrorBudget(int maxErrors, long windowMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxErrors);
        ArgumentOutOfRangeException.ThrowIfNegative(windowMs);
        _maxErrors = maxErrors;
        _windowMs = windowMs;
    }

    /// <summary>Errors counted within the window at the last call.</summary>
    public int Count => _errorTimes.Count;

    /// <summary>Counts an error at <paramref name="nowMs"/>; true when this one exhausts the budget.</summary>
    public bool Record(long nowMs)
    {
        if (_maxErrors == 0)
        {
            return false;
        }

        while (_errorTimes.TryPeek(out var oldest) && nowMs - oldest >= _windowMs)
        {
            _errorTimes.Dequeue();
        }

        _errorTimes.Enqueue(nowMs);
        return _errorTimes.Count >= _maxErrors;
    }
}
