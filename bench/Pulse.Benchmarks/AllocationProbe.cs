using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Pulse.Benchmarks;

/// <summary>
/// A live Pulse server (<see cref="WebSocketServer"/>: echo at any path, a broadcast room at /broadcast) that counts
/// the messages it handles and the bytes the whole process allocated while it ran: load it with <c>pulse bench</c>
/// from another process, and the bytes per message are the server's alone.
/// </summary>
/// <remarks>Usage: <c>allocations PORT [SECONDS]</c>; prints a summary when the time is up or on SIGTERM/Ctrl+C.</remarks>
internal static class AllocationProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        var messages = 0L;
        var opened = 0L;
        var exceptions = 0L;

        // Counts every exception thrown in the process (caught or not): a normal open and close should throw none.
        // The first of each type is printed with its stack, to find where it comes from.
        var seenExceptions = new ConcurrentDictionary<string, byte>();
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            Interlocked.Increment(ref exceptions);
            var key = e.Exception.GetType().FullName + " " + e.Exception.TargetSite;
            if (seenExceptions.TryAdd(key, 0))
            {
                Console.WriteLine($"first-chance {e.Exception.GetType().FullName}: {e.Exception.Message}\n{Environment.StackTrace}");
            }
        };
        var room = new ConcurrentDictionary<WebSocketConnection, byte>();
        await using var server = await WebSocketServer.StartAsync(
            async connection =>
            {
                Interlocked.Increment(ref opened);
                if (connection.Path == "/broadcast")
                {
                    room.TryAdd(connection, 0);
                    try
                    {
                        await foreach (var message in connection)
                        {
                            Interlocked.Increment(ref messages);
                            Broadcast.Send(room.Select(p => p.Key).Where(c => c != connection), message);
                        }
                    }
                    finally
                    {
                        room.TryRemove(connection, out _);
                    }

                    return;
                }

                await foreach (var message in connection)
                {
                    Interlocked.Increment(ref messages);
                    await connection.SendAsync(message);
                }
            },
            "127.0.0.1",
            port);
        Console.WriteLine($"allocation probe on ws://127.0.0.1:{server.Port}/ for {seconds} s (pid {Environment.ProcessId})");

        var stop = new TaskCompletionSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });

        // Counted once a second, so the summary can leave out the connection set-up and the warm-up.
        var samples = new List<(long Messages, long Bytes, int Gen0, long Opened, long Exceptions)>();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until && !stop.Task.IsCompleted)
        {
            await Task.WhenAny(stop.Task, Task.Delay(1000));
            var sample = (Interlocked.Read(ref messages), GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), Interlocked.Read(ref opened), Interlocked.Read(ref exceptions));
            samples.Add(sample);
            var previous = samples.Count > 1 ? samples[^2] : (0, 0, 0, 0, 0);
            var connected = sample.Item4 - previous.Item4;
            var thrown = sample.Item5 - previous.Item5;
            var handled = sample.Item1 - previous.Item1;
            var open = server.Connections.Count;

            // The live managed heap after a full collection, per open connection: what an idle connection keeps
            // on the managed heap, next to what the process's resident memory says (managed and native).
            var live = GC.GetTotalMemory(forceFullCollection: true);
            var rss = Environment.WorkingSet;

            // What malloc has handed out and not taken back: zlib's streams live there, not on the managed heap.
            var native = OperatingSystem.IsLinux() ? (long)MallInfo2().InUse : 0;

            // Generation 4 is the pinned object heap, where Kestrel's memory pool keeps its 4 KiB blocks: what
            // connections hold as I/O buffers rather than as objects.
            var generations = GC.GetGCMemoryInfo(GCKind.FullBlocking).GenerationInfo;
            var pinned = generations.Length > 4 ? generations[4].SizeAfterBytes : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{handled,10:N0} msgs  {(sample.Item2 - previous.Item2) / 1024.0,12:N0} KiB allocated  {(handled > 0 ? (sample.Item2 - previous.Item2) / (double)handled : 0),8:N1} B/msg  gen0 GCs {sample.Item3 - previous.Item3}  opened {connected,6:N0} ({(connected > 0 ? (sample.Item2 - previous.Item2) / (double)connected : 0),8:N0} B/conn, {(connected > 0 ? thrown / (double)connected : 0),4:N1} exc/conn)  open {open,6:N0}  live heap {live / 1024.0,10:N0} KiB (pinned {pinned / 1024.0,8:N0})  native {native / 1024.0,8:N0} KiB  RSS {rss / 1024.0,10:N0} KiB"));
        }

        return 0;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern GlibcMallInfo2 MallInfo2();

    // glibc's struct mallinfo2 (malloc.h, glibc 2.33 and later): ten size_t fields; uordblks is the bytes in use.
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct GlibcMallInfo2
    {
        private readonly nuint _arena;
        private readonly nuint _ordblks;
        private readonly nuint _smblks;
        private readonly nuint _hblks;
        private readonly nuint _hblkhd;
        private readonly nuint _usmblks;
        private readonly nuint _fsmblks;
        private readonly nuint _uordblks;
        private readonly nuint _fordblks;
        private readonly nuint _keepcost;

        // Bytes handed out by malloc and not freed: small blocks (uordblks) and mmapped ones (hblkhd).
        public ulong InUse => _uordblks + _hblkhd;
    }
}
