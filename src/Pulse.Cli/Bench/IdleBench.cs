using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// <c>pulse bench idle</c>: opens N connections as fast as the server accepts them (handshakes per second), holds
/// them open and quiet for the duration, and reads the server's resident memory before and after from /proc:
/// the growth divided by N is what an idle connection costs. With <c>--extensions</c> every connection makes that
/// permessage-deflate offer and, once open, sends one message of <c>--size</c> bytes (compressed when agreed) and
/// reads its echo before going quiet: what an idle compressed connection costs after it has been used.
/// </summary>
internal static class IdleBench
{
    // Connections per warm-up round: enough to run the handshake path hot, few enough to close quickly.
    private const int WarmupBatch = 500;

    // Time for the server to finish with the closed warm-up connections before its memory is read.
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(1);

    // How long every connection's message has to come back.
    private static readonly TimeSpan s_echoTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(BenchSettings settings, CliConsole console, CancellationToken stop)
    {
        await WarmUpAsync(settings, console, stop).ConfigureAwait(false);
        var before = settings.ServerPid is { } pid ? ProcessMemory.ResidentKiB(pid) : null;

        var cpuBefore = ProcessCpu.Own();
        var serverCpuBefore = settings.ServerPid is { } id ? ProcessCpu.Of(id) : null;
        var (connections, openTime) = await ConnectionOpener.OpenAllAsync(settings, 0, stop, console).ConfigureAwait(false);
        var opening = new MeasuredWindow(
            openTime,
            connections.Length,
            ProcessCpu.Own() - cpuBefore,
            settings.ServerPid is { } server && serverCpuBefore is { } from && ProcessCpu.Of(server) is { } until ? until - from : null,
            Interrupted: false);
        await BenchRun.SayAsync(console, $"opened {connections.Length:N0} connections from {settings.Sources} in {openTime.TotalSeconds:F2} s: {opening.Rate:N0} handshakes/s").ConfigureAwait(false);

        var loops = connections.Select(c => new IdleLoop(c)).ToArray();
        var running = loops.Select(l => l.RunAsync()).ToArray();
        string? agreed = null;
        if (settings.DeflateOffer is { } offer)
        {
            agreed = await ExchangeOneMessageAsync(settings, offer, loops, console, stop).ConfigureAwait(false);
        }

        var held = await HoldAsync(settings, loops, console, stop).ConfigureAwait(false);
        var after = settings.ServerPid is { } p ? ProcessMemory.ResidentKiB(p) : null;

        foreach (var loop in loops)
        {
            loop.RequestStop();
            await loop.SendCloseAsync().ConfigureAwait(false);
        }

        await BenchRun.EndAsync(loops, running).ConfigureAwait(false);

        double? perConnection = before is { } b && after is { } a ? (double)(a - b) / connections.Length : null;
        var report = new BenchReport("idle")
            .Add("url", "url", settings.Url.ToString())
            .Add("connections", "connections", settings.Connections)
            .Add("warm-up", "warmup_s", settings.Warmup.TotalSeconds, 1, "s")
            .Add("opening took", "open_s", openTime.TotalSeconds, 2, "s")
            .Add("handshakes/s", "handshakes_per_s", opening.Rate, 0)
            .Add("held open", "held_s", held.TotalSeconds, 2, "s")
            .Add("server RSS before", "server_rss_before_kib", before, 0, "KiB")
            .Add("server RSS after", "server_rss_after_kib", after, 0, "KiB")
            .Add("server memory/connection", "server_kib_per_connection", perConnection, 2, "KiB");
        if (settings.DeflateOffer is { } offered)
        {
            report.Add("extensions offered", "extensions_offered", offered.Header)
                .Add("extensions agreed", "extensions_agreed", agreed ?? "-")
                .Add("message each way", "message_bytes", settings.Size, "B");
        }

        BenchRun.AddCpu(report, opening, "handshakes per server CPU-s", "handshakes_per_server_cpu_s");
        BenchRun.AddLost(report, loops);
        return await BenchRun.FinishAsync(report, opening with { Interrupted = stop.IsCancellationRequested }, loops, settings, console).ConfigureAwait(false);
    }

    // Every connection sends one message and reads its echo, so the server has compressed and decompressed once on
    // each (or not, when it declined the offer). Returns the server's answer, the same for every connection.
    private static async Task<string> ExchangeOneMessageAsync(BenchSettings settings, DeflateOffer offer, IdleLoop[] loops, CliConsole? console, CancellationToken stop)
    {
        var answers = loops.Select(l => l.Connection.Extensions).Distinct().ToList();
        if (answers.Count != 1)
        {
            throw new IOException($"the server answered the offer in {answers.Count} ways: {string.Join(" | ", answers.Select(a => a ?? "-"))}");
        }

        var compression = loops[0].Connection.Compression;
        var frame = MessageFrame(settings.Size, compression, offer);
        if (console is not null)
        {
            await BenchRun.SayAsync(console, $"offered '{offer.Header}', agreed '{answers[0] ?? "-"}': sending one {settings.Size:N0}-byte message on each connection ({frame.Length:N0} bytes framed)").ConfigureAwait(false);
        }

        foreach (var loop in loops)
        {
            loop.TrySend(frame);
        }

        var until = Stopwatch.GetTimestamp() + Measurement.ToTicks(s_echoTimeout);
        while (loops.Any(l => l.Messages == 0 && !l.Failed))
        {
            if (Stopwatch.GetTimestamp() > until)
            {
                throw new IOException($"{loops.Count(l => l.Messages == 0):N0} connections had no echo within {s_echoTimeout.TotalSeconds} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), stop).ConfigureAwait(false);
        }

        if (loops.FirstOrDefault(l => l.Failed) is { } failed)
        {
            throw new IOException($"a connection failed while exchanging its message: {failed.Failure}");
        }

        return answers[0] ?? "-";
    }

    // One client message of a JSON chat stream, compressed as agreed (with the client's window of the answer),
    // or plain when the server declined. Every connection may send the same bytes: a frame's mask need not differ.
    private static byte[] MessageFrame(int size, PerMessageDeflateParameters? compression, DeflateOffer offer)
    {
        var payload = ChatPayload(size);
        if (compression is null)
        {
            return ClientFrames.Build(Opcode.Text, payload);
        }

        using var protocol = new WebSocketProtocol(Role.Client, BenchSettings.MaxSize, compression, offer.Options);
        var output = new ArrayBufferWriter<byte>(size + 64);
        protocol.WriteMessage(output, MessageType.Text, payload);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] ChatPayload(int size)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < size; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"publish\",\"id\":\"c{i}\",\"payload\":{{\"channel\":\"chat:lobby\",\"data\":{{\"text\":\"hello number {i}\"}}}}}}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, size));
    }

    // Opens and drops connections for the warm-up, so the server's handshake path is compiled and its pools
    // are filled before its memory is read.
    private static async Task WarmUpAsync(BenchSettings settings, CliConsole console, CancellationToken stop)
    {
        var until = Stopwatch.GetTimestamp() + Measurement.ToTicks(settings.Warmup);
        var rounds = 0;
        while (Stopwatch.GetTimestamp() < until && !stop.IsCancellationRequested)
        {
            var (connections, _) = await ConnectionOpener.OpenAllAsync(settings with { Connections = Math.Min(settings.Connections, WarmupBatch) }, 0, stop).ConfigureAwait(false);
            var loops = settings.DeflateOffer is null ? [] : connections.Select(c => new IdleLoop(c)).ToArray();
            var running = loops.Select(l => l.RunAsync()).ToArray();
            if (settings.DeflateOffer is { } offer)
            {
                // The message too: the server's compression path is compiled and its zlib pool filled before its memory is read.
                await ExchangeOneMessageAsync(settings, offer, loops, console: null, stop).ConfigureAwait(false);
            }

            foreach (var connection in connections)
            {
                connection.Dispose();
            }

            await Task.WhenAll(running).ConfigureAwait(false);
            rounds++;
        }

        if (rounds > 0)
        {
            await BenchRun.SayAsync(console, $"warm-up: {rounds} round(s) of up to {WarmupBatch} connections opened{(settings.DeflateOffer is null ? "" : ", each with its message exchanged,")} and dropped").ConfigureAwait(false);
            await Task.Delay(s_settle, stop).ConfigureAwait(false);
        }
    }

    // Holds the connections for the duration, printing the server's memory once a second; returns how long.
    private static async Task<TimeSpan> HoldAsync(BenchSettings settings, IdleLoop[] loops, CliConsole console, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var until = started + Measurement.ToTicks(settings.Duration);
        while (Stopwatch.GetTimestamp() < until && !stop.IsCancellationRequested)
        {
            var left = TimeSpan.FromSeconds((double)(until - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            try
            {
                await Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var rss = settings.ServerPid is { } pid ? ProcessMemory.ResidentKiB(pid) : null;
            var open = loops.Count(l => !l.Failed);
            await BenchRun.SayAsync(console, $"holding {open:N0} connections open{(rss is { } kib ? $", server RSS {kib / 1024.0:N1} MiB" : "")}").ConfigureAwait(false);
        }

        return Stopwatch.GetElapsedTime(started);
    }
}
