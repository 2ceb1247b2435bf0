namespace Pulse.Internal;

/// <summary>Something with a deadline on a <see cref="TimerWheel"/>; its links belong to the wheel and change under its lock.</summary>
internal abstract class TimerWheelEntry
{
    internal TimerWheelEntry? Next { get; set; }

    internal TimerWheelEntry? Previous { get; set; }

    internal long Due { get; set; }

    internal int Slot { get; set; }

    internal bool Linked { get; set; }

    /// <summary>Called once the deadline has passed, off the wheel's lock; the entry is off the wheel by then.</summary>
    public abstract void OnDue();
}
