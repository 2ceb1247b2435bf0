using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pulse.Cli.Bench;

/// <summary>
/// Sleeps until a <see cref="Stopwatch"/> timestamp with microsecond resolution, so a sender can keep a schedule
/// of one message every few tens of microseconds without spinning a core. <see cref="Thread.Sleep(int)"/>
/// rounds to milliseconds, which would add up to a millisecond of lateness to every probe of a latency run.
/// </summary>
internal static class PreciseSleep
{
    // PR_SET_TIMERSLACK (linux/prctl.h). Linux lets a normal thread's timers fire up to 50 µs late so it can
    // batch wake-ups; 1 µs keeps a 20,000 msgs/s schedule honest.
    private const int PrSetTimerSlack = 29;
    private const nuint TimerSlackNanoseconds = 1000;

    /// <summary>Narrows the calling thread's timer slack; does nothing off Linux.</summary>
    public static void TightenTimerSlack()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(PrSetTimerSlack, TimerSlackNanoseconds, 0, 0, 0);
        }
    }

    /// <summary>Returns at or soon after <paramref name="timestamp"/>; at once if it has passed.</summary>
    public static void Until(long timestamp)
    {
        while (true)
        {
            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            var microseconds = remaining * 1_000_000 / Stopwatch.Frequency;
            if (microseconds > 0 && OperatingSystem.IsLinux())
            {
                _ = Usleep((uint)Math.Min(microseconds, uint.MaxValue));
            }
            else if (microseconds >= 1000)
            {
                Thread.Sleep((int)(microseconds / 1000));
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, and these signatures are all
    // blittable values, which the runtime passes as they are.
    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int Usleep(uint microseconds);

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
