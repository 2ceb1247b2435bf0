using System.Diagnostics;

namespace Pulse.Cli.Bench;

/// <summary>
/// <c>pulse bench latency</c>: probes at a fixed total rate spread over N connections to an echo endpoint;
/// reports round-trip percentiles measured from each probe's due time, and the rate achieved.
/// </summary>
internal static class LatencyBench
{
    // How long echoes of the last probes may take to arrive before the connections are closed.
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(BenchSettings settings, int rate, CliConsole console, CancellationToken stop)
    {
        var frameLength = ClientFrames.PayloadOffset(settings.Size) + settings.Size;
        var receiveBufferSize = Math.Clamp(4 * frameLength, 4096, 64 * 1024);
        var (connections, openTime) = await ConnectionOpener.OpenAllAsync(settings, receiveBufferSize, stop, console).ConfigureAwait(false);
        await BenchRun.SayAsync(console, $"opened {connections.Length:N0} connections from {settings.Sources} in {openTime.TotalSeconds:F2} s").ConfigureAwait(false);

        var measurement = Measurement.StartingNow(settings.Warmup, settings.Duration);
        var recorder = new LatencyRecorder(measurement.MeasureFrom, measurement.MeasureUntil);
        var loops = connections.Select(c => new LatencyLoop(c, recorder)).ToArray();
        var running = loops.Select(l => l.RunAsync()).ToArray();
        var sender = new ProbeSender(loops, settings.Size, rate, measurement, stop);
        sender.Start();
        var window = await measurement.RunAsync(() => loops.Sum(l => l.Received), settings.ServerPid, console.Error, stop).ConfigureAwait(false);
        await sender.WaitAsync().ConfigureAwait(false);

        // The echoes of the last probes are still on their way: they count, as their probes were due in time.
        var drainUntil = Stopwatch.GetTimestamp() + Measurement.ToTicks(s_drainTimeout);
        while (recorder.FromDue.Count < sender.SentInWindow && Stopwatch.GetTimestamp() < drainUntil && !stop.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var loop in loops)
        {
            loop.RequestStop();
            await loop.SendCloseAsync().ConfigureAwait(false);
        }

        await BenchRun.EndAsync(loops, running).ConfigureAwait(false);

        var received = recorder.FromDue.Count;
        var seconds = window.Elapsed.TotalSeconds;
        var report = new BenchReport("latency")
            .Add("url", "url", settings.Url.ToString())
            .Add("connections", "connections", settings.Connections)
            .Add("target rate", "rate", rate, "msgs/s")
            .Add("size", "size_bytes", settings.Size, "B")
            .Add("warm-up", "warmup_s", settings.Warmup.TotalSeconds, 1, "s")
            .Add("duration", "duration_s", seconds, 2, "s")
            .Add("sent", "sent", sender.SentInWindow)
            .Add("received", "received", received)
            .Add("unanswered", "unanswered", sender.SentInWindow + sender.UnsentInWindow - received)
            .Add("achieved rate", "achieved_rate", seconds > 0 ? received / seconds : 0, 0, "msgs/s");
        BenchRun.AddPercentiles(report, recorder.FromDue, "round trip", "rtt", "from the time each probe was due");
        BenchRun.AddPercentiles(report, recorder.FromSent, "from write", "rtt_from_write", "from the time each probe was written");
        BenchRun.AddCpu(report, window with { Count = received }, "msgs per server CPU-s", "msgs_per_server_cpu_s");
        BenchRun.AddLost(report, loops);
        return await BenchRun.FinishAsync(report, window, loops, settings, console).ConfigureAwait(false);
    }
}
