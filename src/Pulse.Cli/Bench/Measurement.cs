using System.Diagnostics;
using System.Globalization;

namespace Pulse.Cli.Bench;

/// <summary>
/// The clock of a run: a warm-up that is not counted (the server's tiered JIT and the generator's settle),
/// then the measured period, with progress on stderr once a second and CPU readings at both ends of the
/// measured period.
/// </summary>
/// <remarks>The phase boundaries are fixed at creation, so a scenario can schedule against them too.</remarks>
internal sealed class Measurement
{
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(1);

    private Measurement(long start, TimeSpan warmup, TimeSpan duration)
    {
        Start = start;
        MeasureFrom = start + ToTicks(warmup);
        MeasureUntil = MeasureFrom + ToTicks(duration);
    }

    /// <summary>When the warm-up starts, in <see cref="Stopwatch"/> ticks.</summary>
    public long Start { get; }

    /// <summary>When the measured period starts, in <see cref="Stopwatch"/> ticks.</summary>
    public long MeasureFrom { get; }

    /// <summary>When the measured period ends, in <see cref="Stopwatch"/> ticks.</summary>
    public long MeasureUntil { get; }

    /// <summary>A run whose warm-up starts now.</summary>
    public static Measurement StartingNow(TimeSpan warmup, TimeSpan duration) => new(Stopwatch.GetTimestamp(), warmup, duration);

    /// <summary>Converts a span of time to <see cref="Stopwatch"/> ticks.</summary>
    public static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Converts <see cref="Stopwatch"/> ticks to nanoseconds.</summary>
    public static long ToNanoseconds(long ticks) =>
        Stopwatch.Frequency == 1_000_000_000 ? ticks : (long)(ticks * (1e9 / Stopwatch.Frequency));

    /// <summary>
    /// Waits out the warm-up and the measured period, printing the rate of <paramref name="counter"/> once a second.
    /// Ends early, with what was measured so far, when <paramref name="stop"/> is cancelled.
    /// </summary>
    /// <param name="counter">A running total (messages so far), read from this thread while loops update it.</param>
    /// <param name="serverPid">The server process to read CPU time from, or null.</param>
    /// <param name="progress">Where the progress lines go (stderr).</param>
    /// <param name="stop">Cancelled to end the run early (Ctrl+C).</param>
    /// <param name="unit">What the counter counts, per second, for the progress lines.</param>
    public async Task<MeasuredWindow> RunAsync(Func<long> counter, int? serverPid, TextWriter progress, CancellationToken stop, string unit = "msgs/s")
    {
        var lastCount = counter();
        var lastTime = Stopwatch.GetTimestamp();
        var fromCount = 0L;
        var fromCpu = TimeSpan.Zero;
        TimeSpan? fromServerCpu = null;
        var measuring = false;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (!measuring && now >= MeasureFrom)
            {
                measuring = true;
                fromCount = counter();
                fromCpu = ProcessCpu.Own();
                fromServerCpu = serverPid is { } pid ? ProcessCpu.Of(pid) : null;
            }

            if (now >= MeasureUntil || stop.IsCancellationRequested)
            {
                break;
            }

            var phaseEnd = measuring ? MeasureUntil : MeasureFrom;
            var wait = Math.Min(phaseEnd - now, ToTicks(s_progressInterval) - (now - lastTime));
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    continue;
                }
            }

            now = Stopwatch.GetTimestamp();
            if (now - lastTime >= ToTicks(s_progressInterval) || now >= MeasureUntil)
            {
                var count = counter();
                var rate = (count - lastCount) / ((double)(now - lastTime) / Stopwatch.Frequency);
                // A second is labelled by the phase it started in, and numbered within that phase.
                var warmingUp = lastTime < MeasureFrom;
                var second = (double)(now - (warmingUp ? Start : MeasureFrom)) / Stopwatch.Frequency;
                var phase = warmingUp ? "warm-up " : "measured";
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"pulse bench: {phase} {second,4:F0} s {rate,12:N0} {unit}")).ConfigureAwait(false);
                await progress.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                lastCount = count;
                lastTime = now;
            }
        }

        if (!measuring)
        {
            return new MeasuredWindow(TimeSpan.Zero, 0, TimeSpan.Zero, null, Interrupted: true);
        }

        var end = Math.Min(Stopwatch.GetTimestamp(), MeasureUntil);
        var untilCount = counter();
        var cpu = ProcessCpu.Own() - fromCpu;
        TimeSpan? serverCpu = serverPid is { } id && fromServerCpu is { } from && ProcessCpu.Of(id) is { } until ? until - from : null;
        var wall = TimeSpan.FromSeconds((double)(end - MeasureFrom) / Stopwatch.Frequency);
        return new MeasuredWindow(wall, untilCount - fromCount, cpu, serverCpu, Interrupted: stop.IsCancellationRequested);
    }
}
