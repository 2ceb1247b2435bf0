namespace Pulse.Cli.Bench;

/// <summary>
/// The shared tallies of a fan-out run: deliveries (any period), delivery latency for messages sent inside the
/// measured period, refusals; and the wake-up the publisher waits on while its window is full.
/// </summary>
/// <remarks>Thread-safe: every subscriber's loop calls <see cref="Deliver"/>.</remarks>
internal sealed class FanOutStats(int subscribers) : IDisposable
{
    private const long HighestTrackableNanoseconds = 600L * 1_000_000_000;

    private readonly SemaphoreSlim _messageCompleted = new(0);
    private long _delivered;
    private long _refused;
    private long _measureFrom = long.MaxValue;
    private long _measureUntil = long.MinValue;

    /// <summary>Nanoseconds from a message's send to its arrival at each subscriber.</summary>
    public LogLinearHistogram Latency { get; } = new(HighestTrackableNanoseconds);

    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Requests the server refused (the hub's error envelopes).</summary>
    public long RefusedCount => Volatile.Read(ref _refused);

    /// <summary>Messages every subscriber has received, as far as the count of deliveries tells.</summary>
    public long Completed => Delivered / subscribers;

    public void Deliver(long sentAt, long receivedAt)
    {
        // Each completed round of deliveries may open the publisher's window.
        if (Interlocked.Increment(ref _delivered) % subscribers == 0)
        {
            _messageCompleted.Release();
        }

        if (sentAt >= Volatile.Read(ref _measureFrom) && sentAt < Volatile.Read(ref _measureUntil))
        {
            Latency.Record(Measurement.ToNanoseconds(receivedAt - sentAt));
        }
    }

    /// <summary>Sets the measured period (Stopwatch timestamps): latency counts only for messages sent within it.</summary>
    public void MeasureBetween(long from, long until)
    {
        Volatile.Write(ref _measureUntil, until);
        Volatile.Write(ref _measureFrom, from);
    }

    public void Refused() => Interlocked.Increment(ref _refused);

    /// <summary>Waits until a message may have completed, or <paramref name="timeout"/>.</summary>
    public async Task WaitForProgressAsync(TimeSpan timeout) =>
        await _messageCompleted.WaitAsync(timeout).ConfigureAwait(false);

    public void Dispose() => _messageCompleted.Dispose();
}
