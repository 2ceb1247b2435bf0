using System.Globalization;
using System.Runtime.InteropServices;

namespace Pulse.Cli.Bench;

/// <summary>
/// <c>--pin</c>: keeps the generator on chosen CPUs, like <c>taskset</c>, so it does not take the server's core.
/// </summary>
/// <remarks>
/// sched_setaffinity(2) sets one thread's mask. Every thread the runtime has started so far is pinned (from
/// /proc/self/task); threads started later inherit the mask of the thread that starts them.
/// </remarks>
internal static class CpuAffinity
{
    // A 64-bit mask covers CPUs 0 to 63, which is what --pin accepts.
    private const int MaxCpu = 63;

    /// <summary>Parses a CPU list such as <c>1</c>, <c>0,2</c> or <c>2-3</c> into a mask.</summary>
    /// <exception cref="UsageException">The list is not one.</exception>
    public static ulong ParseList(string value)
    {
        var mask = 0UL;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2
                || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || first > last || last > MaxCpu)
            {
                throw new UsageException($"--pin '{value}': expected CPU numbers from 0 to {MaxCpu} such as 1, 0,2 or 2-3");
            }

            for (var cpu = first; cpu <= last; cpu++)
            {
                mask |= 1UL << cpu;
            }
        }

        return mask;
    }

    /// <summary>Pins every thread of this process to the CPUs of <paramref name="mask"/>.</summary>
    /// <exception cref="UsageException">The system refused (no such CPU, or not Linux).</exception>
    public static void Pin(ulong mask)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new UsageException("--pin: only on Linux");
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)
                && SchedSetAffinity(tid, sizeof(ulong), ref mask) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                throw new UsageException($"--pin: sched_setaffinity failed ({Marshal.GetPInvokeErrorMessage(error)}); is that CPU online and allowed?");
            }
        }
    }

    // DllImport rather than LibraryImport: a ref to a ulong needs no marshalling, and no unsafe code in this project.
    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);
}
