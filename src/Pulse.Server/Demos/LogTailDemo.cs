namespace Pulse.Server.Demos;

/// <summary>
/// The log tail's source: a demo worker's made-up lines, one a second while someone watches
/// <see cref="DemoChannels.Logs"/>. Never the server's own log: its lines name users and client addresses, and any
/// client may subscribe to the channel. The server's log goes to stderr, for whoever runs the process.
/// </summary>
internal sealed class LogTailDemo
{
    private static readonly string[] s_jobs = ["resize image", "send invoice", "index document", "sync calendar", "render report"];

    private long _job;

    /// <summary>The demo worker's next line.</summary>
    public LogLine NextLine()
    {
        var job = Interlocked.Increment(ref _job);
        var level = job % 7 == 0 ? "warning" : "information";
        var text = job % 7 == 0
            ? $"job {job}: {s_jobs[job % s_jobs.Length]} retried after a timeout"
            : $"job {job}: {s_jobs[job % s_jobs.Length]} done in {13 + (job * 37 % 90)} ms";
        return new LogLine(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), level, WorkerCategory, text);
    }

    /// <summary>The category of every line: the made-up worker's.</summary>
    public const string WorkerCategory = "demo.worker";

    /// <summary>One line of the tail, as published.</summary>
    public sealed record LogLine(long Time, string Level, string Category, string Text);
}
