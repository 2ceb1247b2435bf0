using System.Globalization;

namespace Pulse.Cli.Bench;

/// <summary>The steps every scenario ends with: closing its connections and reporting.</summary>
internal static class BenchRun
{
    // How long connections get to finish the closing handshake before their sockets are closed under them.
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(2);

    private static readonly (string Label, string Key, double Percentile)[] s_percentiles =
    [
        ("p50", "p50", 50), ("p90", "p90", 90), ("p99", "p99", 99), ("p99.9", "p99_9", 99.9),
    ];

    /// <summary>A progress line on stderr.</summary>
    public static async Task SayAsync(CliConsole console, FormattableString message)
    {
        await console.Error.WriteLineAsync("pulse bench: " + message.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await console.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Waits for the loops (already asked to stop) to close; then closes whatever is left.</summary>
    public static async Task EndAsync(IReadOnlyList<ConnectionLoop> loops, Task[] running)
    {
        try
        {
            await Task.WhenAll(running).WaitAsync(s_closeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        foreach (var loop in loops)
        {
            loop.Connection.Dispose();
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>Adds the CPU rows: the generator's, and the server's with messages per server CPU-second when known.</summary>
    public static void AddCpu(BenchReport report, MeasuredWindow window, string perServerCpuLabel, string perServerCpuKey)
    {
        report
            .Add("generator CPU", "generator_cpu_percent", window.GeneratorCpuPercent, 1, "% of one core")
            .Add("server CPU", "server_cpu_percent", window.ServerCpuPercent, 1, "% of one core")
            .Add(perServerCpuLabel, perServerCpuKey, window.PerServerCpuSecond, 0);
    }

    /// <summary>Adds how many connections ended before the run did.</summary>
    public static void AddLost(BenchReport report, IReadOnlyList<ConnectionLoop> loops) =>
        report.Add("connections lost", "connections_lost", loops.Count(l => l.Failure is not null));

    /// <summary>Prints the report and any warnings; returns the exit code (1 when connections were lost or the run was cut short).</summary>
    public static async Task<int> FinishAsync(BenchReport report, MeasuredWindow window, IReadOnlyList<ConnectionLoop> loops, BenchSettings settings, CliConsole console)
    {
        // Environment.ProcessorCount honours the CPU affinity (taskset), so this is the share of the cores we may use.
        var saturated = window.GeneratorCpuPercent >= 90.0 * Environment.ProcessorCount;
        report.Add("generator saturated", "generator_saturated", saturated);
        if (saturated)
        {
            await SayAsync(console, $"the generator used {window.GeneratorCpuPercent:F0} % of its {Environment.ProcessorCount} core(s): it may be the bottleneck, so the rate is a lower bound").ConfigureAwait(false);
        }

        var lost = loops.Where(l => l.Failure is not null).ToList();
        if (lost.Count > 0)
        {
            await SayAsync(console, $"{lost.Count} connection(s) ended early; the first: {lost[0].Failure}").ConfigureAwait(false);
        }

        if (window.Interrupted)
        {
            await SayAsync(console, $"stopped early, after {window.Elapsed.TotalSeconds:F1} s of measuring").ConfigureAwait(false);
        }

        if (settings.Json)
        {
            await report.WriteJsonAsync(console.Output).ConfigureAwait(false);
        }
        else
        {
            await report.WriteTableAsync(console.Output).ConfigureAwait(false);
        }

        return lost.Count > 0 || window.Interrupted ? 1 : 0;
    }

    /// <summary>Adds the percentiles and maximum of a histogram of nanoseconds, in milliseconds, under <paramref name="label"/>.</summary>
    public static void AddPercentiles(BenchReport report, LogLinearHistogram histogram, string label, string key, string meaning)
    {
        report.Add($"{label}", $"{key}_basis", meaning);
        foreach (var (name, suffix, percentile) in s_percentiles)
        {
            report.Add($"  {name}", $"{key}_{suffix}_ms", ToMilliseconds(histogram.ValueAtPercentile(percentile)), 3, "ms");
        }

        report.Add("  max", $"{key}_max_ms", ToMilliseconds(histogram.Max), 3, "ms");
    }

    private static double ToMilliseconds(long nanoseconds) => nanoseconds / 1e6;
}
