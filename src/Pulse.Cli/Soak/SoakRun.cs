using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Pulse.Cli.Bench;
using Pulse.Hub.Hosting;

namespace Pulse.Cli.Soak;

/// <summary>
/// <c>pulse bench soak</c>: a hub under churn, a burst and network cuts, then the books. Verdict: every
/// publication the hub acknowledged reached every live subscriber exactly once (or inside a gap the client
/// reported), nothing is left on the server, and the heap is back within <see cref="MemoryBoundBytes"/> of its start.
/// </summary>
internal static class SoakRun
{
    /// <summary>How far the heap may stay above its start once everything is closed: 64 MiB.</summary>
    public const long MemoryBoundBytes = 64L * 1024 * 1024;

    private const string MainChannel = SoakServer.CheckedNamespace + ":main";

    // The publisher runs at most this many offsets ahead of the slowest checked subscriber, well inside the
    // history, so that a subscriber cut off and back can always recover what it missed.
    private const int Window = 2_000;
    private const int HistorySize = 20_000;

    /// <summary>A 64-bit mix of an offset and the data published at it, XORed over a set to compare sets cheaply.</summary>
    public static ulong Fingerprint(long offset, long sequence)
    {
        var x = (ulong)offset * 0x9E3779B97F4A7C15UL ^ (ulong)sequence * 0xC2B2AE3D27D4EB4FUL;
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        return x ^ (x >> 29);
    }

    public static async Task<int> RunAsync(SoakSettings settings, CliConsole console, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var published = new long[settings.Messages + 1]; // offset → sequence + 1; 0 = not acknowledged
        await using var server = await SoakServer.StartAsync(HistorySize, stop).ConfigureAwait(false);
        var relay = LoopbackRelay.Start(new IPEndPoint(IPAddress.Loopback, server.Port));
        var heapAtStart = HeapBytes();
        var uri = new Uri($"ws://127.0.0.1:{relay.Port}/ws");
        await SayAsync(console, $"soak: hub on port {server.Port}, relay on {relay.Port}; {settings.Clients:N0} churning clients, {settings.Subscribers} checked subscribers, {settings.Messages:N0} messages, {settings.Duration.TotalSeconds:N0} s").ConfigureAwait(false);

        var subscribers = await Task.WhenAll(Enumerable.Range(0, settings.Subscribers)
            .Select(_ => VerifiedSubscriber.StartAsync(uri, MainChannel, settings.Messages, Churner.Options(), stop))).ConfigureAwait(false);

        using var churnStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        churnStop.CancelAfter(settings.Duration);
        var churners = Enumerable.Range(0, settings.Clients).Select(i => new Churner(uri, i, settings.Seed + i)).ToArray();
        var startWithin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, settings.Duration.Ticks / 4));
        var churning = churners.Select(c => Task.Run(() => c.RunAsync(startWithin, churnStop.Token))).ToArray();

        using var burstStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        burstStop.CancelAfter(settings.Duration * 0.8);
        var cutting = CutAsync(relay, settings, burstStop.Token);
        var burst = Stopwatch.StartNew();
        var acknowledged = await PublishBurstAsync(server.Hub, settings.Messages, published, subscribers, burstStop.Token).ConfigureAwait(false);
        var burstSeconds = burst.Elapsed.TotalSeconds;

        // The cuts go on until 80% of the duration even when the burst is done sooner: the network heals only then.
        await cutting.ConfigureAwait(false);
        var lastOffset = Array.FindLastIndex(published, p => p != 0);
        await SayAsync(console, $"soak: {acknowledged:N0} publications acknowledged in {burstSeconds:F1} s, {relay.Cuts:N0} connections cut; settling").ConfigureAwait(false);

        // Settle: every checked subscriber catches up with the last acknowledged offset (bounded: 60 s).
        var settled = await WaitUntilAsync(() => subscribers.All(s => s.HandledUpTo >= lastOffset), TimeSpan.FromSeconds(60), stop).ConfigureAwait(false);
        await Task.WhenAll(churning).ConfigureAwait(false);
        var books = Books.From(subscribers, published, lastOffset);
        foreach (var subscriber in subscribers)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }

        await relay.DisposeAsync().ConfigureAwait(false);
        var hub = server.Hub;
        var emptied = await WaitUntilAsync(() => hub.ConnectionCount == 0 && hub.Channels.Count == 0, TimeSpan.FromSeconds(30), stop).ConfigureAwait(false);
        var heapGrowth = HeapBytes() - heapAtStart;

        var passed = settled && books.Lost == 0 && books.Duplicates == 0 && books.Corrupt == 0 && books.FingerprintMismatches == 0
            && hub.ConnectionCount == 0 && hub.Channels.Count == 0 && heapGrowth <= MemoryBoundBytes && acknowledged > 0;
        var report = new BenchReport("soak")
            .Add("verdict", "passed", passed)
            .Add("duration", "duration_s", clock.Elapsed.TotalSeconds, 1, "s")
            .Add("churning clients", "clients", settings.Clients)
            .Add("client sessions", "client_sessions", churners.Sum(c => c.Sessions))
            .Add("client acked publishes", "client_publishes", churners.Sum(c => c.Publishes))
            .Add("client sessions failed", "client_failures", churners.Sum(c => c.Failures), "(cut mid-request: expected)")
            .Add("connections cut", "cuts", relay.Cuts)
            .Add("checked subscribers", "subscribers", settings.Subscribers)
            .Add("subscriber reconnections", "subscriber_reconnections", subscribers.Sum(s => s.Reconnections))
            .Add("publications acknowledged", "acknowledged", acknowledged)
            .Add("burst rate", "burst_msgs_per_s", acknowledged / Math.Max(burstSeconds, 0.001), 0, "msgs/s")
            .Add("deliveries checked", "deliveries", books.Received)
            .Add("lost", "lost", books.Lost)
            .Add("duplicates", "duplicates", books.Duplicates)
            .Add("corrupt", "corrupt", books.Corrupt + books.FingerprintMismatches)
            .Add("gaps reported (recovery failed)", "gaps", books.Gaps)
            .Add("all caught up", "settled", settled)
            .Add("server connections left", "connections_left", hub.ConnectionCount)
            .Add("server channels left", "channels_left", hub.Channels.Count)
            .Add("heap growth", "heap_growth_mib", heapGrowth / 1024.0 / 1024.0, 1, $"MiB (bound {MemoryBoundBytes / 1024 / 1024})")
            .Add("server emptied", "emptied", emptied);
        if (settings.Json)
        {
            await report.WriteJsonAsync(console.Output).ConfigureAwait(false);
        }
        else
        {
            await report.WriteTableAsync(console.Output).ConfigureAwait(false);
        }

        return passed ? 0 : 1;
    }

    private static async Task<long> PublishBurstAsync(HubNode hub, int messages, long[] published, VerifiedSubscriber[] subscribers, CancellationToken stop)
    {
        long acknowledged = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = stop };
        try
        {
            await Parallel.ForAsync(0, messages, options, async (sequence, token) =>
            {
                // The burst goes as fast as the slowest checked subscriber allows, Window offsets ahead at most.
                while (Interlocked.Read(ref acknowledged) - subscribers.Min(s => s.HandledUpTo) > Window)
                {
                    await Task.Delay(2, token).ConfigureAwait(false);
                }

                var position = await hub.PublishAsync(MainChannel, Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture)), ackRequired: true, token).ConfigureAwait(false);
                if (position.Offset > 0 && position.Offset < published.Length)
                {
                    published[position.Offset] = sequence + 1L;
                }

                Interlocked.Increment(ref acknowledged);
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Out of time: the books cover what was acknowledged.
        }

        return Interlocked.Read(ref acknowledged);
    }

    private static async Task CutAsync(LoopbackRelay relay, SoakSettings settings, CancellationToken stop)
    {
        var random = new Random(settings.Seed);
        try
        {
            while (true)
            {
                await Task.Delay(250, stop).ConfigureAwait(false);
                relay.CutRandom(settings.DropFraction, random);
            }
        }
        catch (OperationCanceledException)
        {
            // The burst is over: the network heals so that everyone can settle.
        }
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken stop)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout || stop.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    private static long HeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static Task SayAsync(CliConsole console, string message) => console.Error.WriteLineAsync(message);

    /// <summary>Every checked subscriber's deliveries against what the hub acknowledged.</summary>
    private readonly record struct Books(long Received, long Lost, long Duplicates, long Corrupt, long Gaps, long FingerprintMismatches)
    {
        public static Books From(VerifiedSubscriber[] subscribers, long[] published, int lastOffset)
        {
            var expected = 0UL;
            for (var offset = 1; offset <= lastOffset; offset++)
            {
                if (published[offset] != 0)
                {
                    expected ^= Fingerprint(offset, published[offset] - 1);
                }
            }

            long lost = 0, mismatches = 0;
            foreach (var subscriber in subscribers)
            {
                for (var offset = 1; offset <= lastOffset; offset++)
                {
                    if (published[offset] != 0 && !subscriber.HasReceived(offset) && !subscriber.InGap(offset))
                    {
                        lost++;
                    }
                }

                if (subscriber.Gaps.Count == 0 && subscriber.Fingerprint != expected)
                {
                    mismatches++;
                }
            }

            return new Books(
                subscribers.Sum(s => s.Received),
                lost,
                subscribers.Sum(s => s.Duplicates),
                subscribers.Sum(s => s.Corrupt),
                subscribers.Sum(s => s.Gaps.Count),
                mismatches);
        }
    }
}
