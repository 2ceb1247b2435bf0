namespace Pulse.Cli.Bench;

/// <summary>
/// The round-trip times of a latency run, counted only for probes due inside the measured period. Two views of
/// each probe: from the time it was due (the headline, free of coordinated omission: a sender that fell behind
/// shows up as latency instead of hiding it) and from the time it was actually written (the server and network
/// alone).
/// </summary>
/// <remarks><see cref="Record"/> is thread-safe; every connection's loop calls it.</remarks>
internal sealed class LatencyRecorder(long measureFrom, long measureUntil)
{
    // Round trips beyond ten minutes are counted as ten minutes (Max stays exact); nothing sensible takes longer.
    private const long HighestTrackableNanoseconds = 600L * 1_000_000_000;

    /// <summary>Nanoseconds from when each probe was due to when its echo was read.</summary>
    public LogLinearHistogram FromDue { get; } = new(HighestTrackableNanoseconds);

    /// <summary>Nanoseconds from when each probe was written to the socket to when its echo was read.</summary>
    public LogLinearHistogram FromSent { get; } = new(HighestTrackableNanoseconds);

    /// <summary>Counts one echo; all three times are <see cref="System.Diagnostics.Stopwatch"/> timestamps.</summary>
    public void Record(long due, long sent, long received)
    {
        if (due < measureFrom || due >= measureUntil)
        {
            return;
        }

        FromDue.Record(Measurement.ToNanoseconds(received - due));
        FromSent.Record(Measurement.ToNanoseconds(received - sent));
    }
}
