namespace Pulse.Cli.Bench;

/// <summary>
/// <c>pulse bench echo</c>: N connections to an echo endpoint, each keeping M messages in flight, for a
/// duration after a warm-up; reports messages per second and what each side's CPU paid for them.
/// </summary>
internal static class EchoBench
{
    public static async Task<int> RunAsync(BenchSettings settings, int inflight, CliConsole console, CancellationToken stop)
    {
        var frame = ClientFrames.Binary(settings.Size);
        var frames = ClientFrames.Repeat(frame, inflight);

        // Room for every echo in flight in one read, within reason.
        var receiveBufferSize = Math.Clamp(frames.Length, 4096, 64 * 1024);
        var (connections, openTime) = await ConnectionOpener.OpenAllAsync(settings, receiveBufferSize, stop, console).ConfigureAwait(false);
        await BenchRun.SayAsync(console, $"opened {connections.Length:N0} connections from {settings.Sources} in {openTime.TotalSeconds:F2} s").ConfigureAwait(false);

        var loops = connections.Select(c => new EchoLoop(c, frames, inflight)).ToArray();
        var measurement = Measurement.StartingNow(settings.Warmup, settings.Duration);
        var running = loops.Select(l => l.RunAsync()).ToArray();
        var window = await measurement.RunAsync(() => loops.Sum(l => l.Echoes), settings.ServerPid, console.Error, stop).ConfigureAwait(false);
        foreach (var loop in loops)
        {
            loop.RequestStop();
        }

        await BenchRun.EndAsync(loops, running).ConfigureAwait(false);

        var report = new BenchReport("echo")
            .Add("url", "url", settings.Url.ToString())
            .Add("connections", "connections", settings.Connections)
            .Add("in flight", "inflight", inflight, "per connection")
            .Add("size", "size_bytes", settings.Size, "B")
            .Add("warm-up", "warmup_s", settings.Warmup.TotalSeconds, 1, "s")
            .Add("duration", "duration_s", window.Elapsed.TotalSeconds, 2, "s")
            .Add("messages", "messages", window.Count)
            .Add("msgs/s", "msgs_per_s", window.Rate, 0);
        BenchRun.AddCpu(report, window, "msgs per server CPU-s", "msgs_per_server_cpu_s");
        BenchRun.AddLost(report, loops);
        return await BenchRun.FinishAsync(report, window, loops, settings, console).ConfigureAwait(false);
    }
}
