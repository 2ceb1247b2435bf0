namespace Examples.Envelope;

/// <summary>
/// When to resend a message nobody acknowledged: wait <see cref="FirstDelay"/> after the first send, then
/// <see cref="Factor"/> times longer after each resend, never more than <see cref="MaxDelay"/>; after
/// <see cref="MaxAttempts"/> sends in all, wait once more and give up. Pure: no clock, no randomness.
/// </summary>
public sealed record RetrySchedule(TimeSpan FirstDelay, double Factor, TimeSpan MaxDelay, int MaxAttempts)
{
    /// <summary>1 s, 2 s, 4 s, 8 s, then give up 10 s after the fifth send.</summary>
    public static RetrySchedule Default { get; } = new(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(10), 5);

    /// <summary>How long to wait after the <paramref name="sends"/>-th send (1 for the first) before acting again.</summary>
    public TimeSpan DelayAfter(int sends)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sends, 1);
        var delay = FirstDelay.TotalMilliseconds * Math.Pow(Factor, sends - 1);
        return delay >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>Whether, once the wait after the <paramref name="sends"/>-th send is over, it is time to give up.</summary>
    public bool GivesUpAfter(int sends) => sends >= MaxAttempts;
}
