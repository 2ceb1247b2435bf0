using System.Diagnostics;
using System.Globalization;

namespace Pulse.Cli.Bench;

/// <summary>
/// CPU time used so far: the generator's own, and another process's from <c>/proc/PID/stat</c>, so a run can
/// say how busy each side was and how many messages the server handles per CPU-second.
/// </summary>
internal static class ProcessCpu
{
    // proc(5): utime and stime are in clock ticks of sysconf(_SC_CLK_TCK). That is USER_HZ, which the kernel's
    // user-space ABI fixes at 100 on every architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;

    /// <summary>This process's CPU time (user and system, all threads).</summary>
    public static TimeSpan Own()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Whether /proc shows the process.</summary>
    public static bool Exists(int pid) => File.Exists(StatPath(pid));

    /// <summary>The CPU time of process <paramref name="pid"/>; null when it has gone or /proc cannot be read.</summary>
    public static TimeSpan? Of(int pid)
    {
        try
        {
            return ParseStat(File.ReadAllText(StatPath(pid)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads utime + stime from the text of a <c>/proc/PID/stat</c> file; null when it is not one.</summary>
    internal static TimeSpan? ParseStat(string stat)
    {
        // proc(5): "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so fields are counted
        // from the last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th after comm.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system))
        {
            return null;
        }

        return TimeSpan.FromSeconds((user + system) / ClockTicksPerSecond);
    }

    private static string StatPath(int pid) => $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
}
