using System.Diagnostics;

namespace Pulse.Cli.Bench;

/// <summary>
/// <c>pulse bench broadcast</c> and <c>hub</c>: N subscribers and a few publishers; the publishers keep at most a
/// window of messages not yet delivered to every subscriber, so the server is kept busy without queues growing.
/// Reports deliveries per second and each delivery's latency, from its send to its arrival.
/// </summary>
internal static class FanOutBench
{
    private static readonly TimeSpan s_subscribeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_windowPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs with <paramref name="publishers"/> publishing connections after the subscribers (messages go to each in
    /// turn), at most <paramref name="window"/> messages not yet delivered to every subscriber, and at most
    /// <paramref name="publishRate"/> messages per second in total (null: the window alone bounds the rate).
    /// </summary>
    public static async Task<int> RunAsync(
        BenchSettings settings, FanOutProtocol protocol, int publishers, int window, double? publishRate, CliConsole console, CancellationToken stop)
    {
        var (connections, openTime) = await ConnectionOpener.OpenAllAsync(settings, 64 * 1024, stop, console, publishers, protocol.Subprotocols).ConfigureAwait(false);
        await BenchRun.SayAsync(console, $"opened {settings.Connections:N0} subscribers and {publishers} publisher(s) from {settings.Sources} in {openTime.TotalSeconds:F2} s").ConfigureAwait(false);

        using var stats = new FanOutStats(settings.Connections);
        var loops = connections.Select((c, i) => new FanOutLoop(c, protocol, stats, subscriber: i < settings.Connections)).ToArray();
        var running = loops.Select(l => l.RunAsync()).ToArray();
        try
        {
            await SubscribeAsync(loops[..settings.Connections], loops[settings.Connections..], protocol, console, stop).ConfigureAwait(false);
        }
        catch
        {
            await CloseAsync(loops, running).ConfigureAwait(false);
            throw;
        }

        var measurement = Measurement.StartingNow(settings.Warmup, settings.Duration);
        stats.MeasureBetween(measurement.MeasureFrom, measurement.MeasureUntil);
        using var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var publishing = Task.Run(() => PublishAsync(loops[settings.Connections..], protocol, stats, window, publishRate, stopPublishing.Token), CancellationToken.None);
        var measured = await measurement.RunAsync(() => stats.Delivered, settings.ServerPid, console.Error, stop, "deliveries/s").ConfigureAwait(false);
        await stopPublishing.CancelAsync().ConfigureAwait(false);
        var sent = await publishing.ConfigureAwait(false);
        await CloseAsync(loops, running).ConfigureAwait(false);

        var report = new BenchReport(protocol.Scenario)
            .Add("url", "url", settings.Url.ToString())
            .Add("subscribers", "subscribers", settings.Connections)
            .Add("publishers", "publishers", publishers)
            .Add("window", "window", window, "messages")
            .Add("size", "size_bytes", settings.Size, "B")
            .Add("warm-up", "warmup_s", settings.Warmup.TotalSeconds, 1, "s")
            .Add("duration", "duration_s", measured.Elapsed.TotalSeconds, 2, "s")
            .Add("messages sent", "messages_sent", sent, "in all periods")
            .Add("deliveries", "deliveries", measured.Count)
            .Add("deliveries/s", "deliveries_per_s", measured.Rate, 0)
            .Add("messages/s", "messages_per_s", measured.Rate / settings.Connections, 1, "fully delivered");
        BenchRun.AddPercentiles(report, stats.Latency, "delivery", "delivery", "from send to arrival at each subscriber");
        report.Add("refused", "refused", stats.RefusedCount, "requests");
        BenchRun.AddCpu(report, measured, "deliveries per server CPU-s", "deliveries_per_server_cpu_s");
        BenchRun.AddLost(report, loops);
        return await BenchRun.FinishAsync(report, measured, loops, settings, console).ConfigureAwait(false);
    }

    // Sends each subscriber's request, then waits (bounded) for every reply; or, when the server confirms
    // nothing, has a publisher repeat a probe until every subscriber has received one.
    private static async Task SubscribeAsync(FanOutLoop[] subscribers, FanOutLoop[] publishers, FanOutProtocol protocol, CliConsole console, CancellationToken stop)
    {
        if (protocol.SubscribeFrame is null && protocol.ProbeFrame is null)
        {
            return;
        }

        if (protocol.SubscribeFrame is { } frame)
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.TrySend(frame);
            }
        }

        var until = Stopwatch.GetTimestamp() + Measurement.ToTicks(s_subscribeTimeout);
        while (subscribers.Any(s => !s.Subscribed))
        {
            if (protocol.ProbeFrame is { } probe && publishers.FirstOrDefault(p => !p.Failed) is { } prober)
            {
                prober.TrySend(probe);
            }

            if (subscribers.FirstOrDefault(s => s.Failed) is { } failed)
            {
                throw new IOException($"a subscriber's connection ended: {failed.Failure}");
            }

            if (Stopwatch.GetTimestamp() > until)
            {
                throw new IOException($"only {subscribers.Count(s => s.Subscribed):N0} of {subscribers.Length:N0} subscribers ready within {s_subscribeTimeout.TotalSeconds} s");
            }

            await Task.Delay(50, stop).ConfigureAwait(false);
        }

        await BenchRun.SayAsync(console, $"{subscribers.Length:N0} subscribers ready").ConfigureAwait(false);
    }

    // Returns the number of messages sent. Sends while fewer than `window` messages are incompletely delivered,
    // no faster than publishRate, to each live publisher in turn.
    private static async Task<long> PublishAsync(FanOutLoop[] publishers, FanOutProtocol protocol, FanOutStats stats, int window, double? publishRate, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var sent = 0L;
        while (!stop.IsCancellationRequested)
        {
            if (sent - stats.Completed >= window)
            {
                await stats.WaitForProgressAsync(s_windowPoll).ConfigureAwait(false);
                continue;
            }

            if (publishRate is { } rate)
            {
                var due = started + (long)(sent * Stopwatch.Frequency / rate);
                var early = due - Stopwatch.GetTimestamp();
                if (early > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)early / Stopwatch.Frequency), CancellationToken.None).ConfigureAwait(false);
                }
            }

            var publisher = publishers[sent % publishers.Length];
            if (publisher.Failed || !publisher.TrySend(protocol.BuildMessage(sent, Stopwatch.GetTimestamp())))
            {
                if (publishers.All(p => p.Failed))
                {
                    break;
                }
            }

            sent++;
        }

        return sent;
    }

    private static async Task CloseAsync(FanOutLoop[] loops, Task[] running)
    {
        foreach (var loop in loops)
        {
            loop.RequestStop();
            await loop.SendCloseAsync().ConfigureAwait(false);
        }

        await BenchRun.EndAsync(loops, running).ConfigureAwait(false);
    }
}
