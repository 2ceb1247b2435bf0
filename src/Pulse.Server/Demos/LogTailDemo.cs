using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Pulse.Server.Demos;

/// <summary>
/// The log tail's source: the server's own log lines (Information and above, through this logger provider) and
/// a demo worker's made-up lines, so the stream moves even when the server has nothing to say. Nothing is
/// queued unless someone watches <see cref="DemoChannels.Logs"/>, so an unwatched server pays nothing.
/// </summary>
internal sealed class LogTailDemo : ILoggerProvider
{
    private static readonly string[] s_jobs = ["resize image", "send invoice", "index document", "sync calendar", "render report"];

    // Bounded: a burst of log lines drops the oldest rather than growing without limit.
    private readonly Channel<LogLine> _lines = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private long _job;

    /// <summary>Whether someone watches the tail; updated by the demo loop.</summary>
    public bool Watched { get; set; }

    public ChannelReader<LogLine> Lines => _lines.Reader;

    /// <summary>Adds the demo worker's next line.</summary>
    public void AddWorkerLine()
    {
        var job = Interlocked.Increment(ref _job);
        var level = job % 7 == 0 ? "warning" : "information";
        var text = job % 7 == 0
            ? $"job {job}: {s_jobs[job % s_jobs.Length]} retried after a timeout"
            : $"job {job}: {s_jobs[job % s_jobs.Length]} done in {13 + (job * 37 % 90)} ms";
        _lines.Writer.TryWrite(new LogLine(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), level, "demo.worker", text));
    }

    public ILogger CreateLogger(string categoryName) => new Forwarder(this, categoryName);

    public void Dispose() => _lines.Writer.TryComplete();

    /// <summary>One line of the tail, as published.</summary>
    public sealed record LogLine(long Time, string Level, string Category, string Text);

    private sealed class Forwarder(LogTailDemo tail, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => tail.Watched && logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var level = logLevel.ToString().ToLowerInvariant();
                tail._lines.Writer.TryWrite(new LogLine(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), level, category, formatter(state, exception)));
            }
        }
    }
}
