using System.Net.Sockets;
using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// <c>pulse bench churn</c>: N workers, each opening a connection, closing it with the closing handshake and
/// waiting for the server to end TCP, over and over; reports complete connection lifetimes per second.
/// </summary>
/// <remarks>
/// The server closes TCP first (RFC 6455 §7.1.1), so TIME_WAIT stays on its side and the generator's ports are
/// free again at once.
/// </remarks>
internal static class ChurnBench
{
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] s_close = ClientFrames.NormalClosure();

    public static async Task<int> RunAsync(BenchSettings settings, CliConsole console, CancellationToken stop)
    {
        var cycles = 0L;
        string? failure = null;
        var failures = 0;
        using var stopWorkers = CancellationTokenSource.CreateLinkedTokenSource(stop);
        async Task WorkAsync(int worker)
        {
            var source = settings.Sources.For(worker);
            while (!stopWorkers.IsCancellationRequested)
            {
                try
                {
                    using var connection = await BenchConnection.OpenAsync(settings.Url, settings.Server, source, 0, null, null, stopWorkers.Token).ConfigureAwait(false);
                    await CloseAsync(connection, stopWorkers.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref cycles);
                }
                catch (OperationCanceledException) when (stopWorkers.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
                {
                    // One failed worker stops (no hot loop of refused connections); the others go on.
                    Interlocked.CompareExchange(ref failure, e.Message, null);
                    Interlocked.Increment(ref failures);
                    return;
                }
            }
        }

        await BenchRun.SayAsync(console, $"{settings.Connections:N0} worker(s) opening and closing connections from {settings.Sources}").ConfigureAwait(false);
        var measurement = Measurement.StartingNow(settings.Warmup, settings.Duration);
        var workers = Enumerable.Range(0, settings.Connections).Select(WorkAsync).ToArray();
        var window = await measurement.RunAsync(() => Volatile.Read(ref cycles), settings.ServerPid, console.Error, stop, "connections/s").ConfigureAwait(false);
        await stopWorkers.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);

        var report = new BenchReport("churn")
            .Add("url", "url", settings.Url.ToString())
            .Add("workers", "workers", settings.Connections)
            .Add("warm-up", "warmup_s", settings.Warmup.TotalSeconds, 1, "s")
            .Add("duration", "duration_s", window.Elapsed.TotalSeconds, 2, "s")
            .Add("connections", "connections", window.Count, "opened and closed")
            .Add("connections/s", "connections_per_s", window.Rate, 0);
        BenchRun.AddCpu(report, window, "connections per server CPU-s", "connections_per_server_cpu_s");
        report.Add("workers failed", "workers_failed", failures);
        if (failure is not null)
        {
            await BenchRun.SayAsync(console, $"{failures} worker(s) stopped on an error; the first: {failure}").ConfigureAwait(false);
        }

        var code = await BenchRun.FinishAsync(report, window, [], settings, console).ConfigureAwait(false);
        return failures > 0 ? 1 : code;
    }

    // Sends a close frame, then reads until the server's close frame and its end of TCP (bounded).
    private static async Task CloseAsync(BenchConnection connection, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(s_closeTimeout);
        var socket = connection.Socket;
        await socket.SendAsync(s_close, SocketFlags.None, timeout.Token).ConfigureAwait(false);
        var reader = new ServerFrameReader();
        var buffer = connection.ReceiveBuffer;
        var read = connection.Buffered;
        var closed = false;
        while (true)
        {
            if (read == 0)
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    if (!closed)
                    {
                        throw new IOException("the server ended TCP without a close frame");
                    }

                    return;
                }
            }

            var input = new ReadOnlySpan<byte>(buffer, 0, read);
            while (reader.TryReadFrame(ref input))
            {
                closed |= reader.Opcode == Opcode.Close;
            }

            read = 0;
        }
    }
}
