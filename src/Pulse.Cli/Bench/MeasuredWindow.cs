namespace Pulse.Cli.Bench;

/// <summary>What the measured period of a run saw.</summary>
/// <param name="Elapsed">Wall-clock time measured.</param>
/// <param name="Count">Messages counted in it.</param>
/// <param name="GeneratorCpu">CPU time the generator used in it.</param>
/// <param name="ServerCpu">CPU time the server used in it, when its process id was given.</param>
/// <param name="Interrupted">Whether the run was stopped early.</param>
internal sealed record MeasuredWindow(TimeSpan Elapsed, long Count, TimeSpan GeneratorCpu, TimeSpan? ServerCpu, bool Interrupted)
{
    /// <summary>Messages per second of wall-clock time.</summary>
    public double Rate => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    /// <summary>Generator CPU as a percentage of one core (above 100 when it used several).</summary>
    public double GeneratorCpuPercent => Percent(GeneratorCpu);

    /// <summary>Server CPU as a percentage of one core; null when unknown.</summary>
    public double? ServerCpuPercent => ServerCpu is { } cpu ? Percent(cpu) : null;

    /// <summary>Messages per second of server CPU time: the server's efficiency, whatever its share of a core.</summary>
    public double? PerServerCpuSecond => ServerCpu is { } cpu && cpu > TimeSpan.Zero ? Count / cpu.TotalSeconds : null;

    private double Percent(TimeSpan cpu) => Elapsed > TimeSpan.Zero ? 100 * cpu.TotalSeconds / Elapsed.TotalSeconds : 0;
}
