using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §5: SendAsync waits over WriteLimit; Broadcast never waits and never buffers without bound.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task SendAsync_WaitsWhileOverWriteLimit_ThenCompletesWhenThePeerReads()
    {
        const int WriteLimit = 64 * 1024;
        const int Count = 2000; // 32 MB: far more than the socket buffers between the two ends hold
        var chunk = new byte[16 * 1024];
        var sent = 0;
        var mostBuffered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                for (var i = 0; i < Count; i++)
                {
                    var send = ws.SendAsync(chunk);
                    mostBuffered = Math.Max(mostBuffered, ws.BufferedBytes);
                    await send;
                    Volatile.Write(ref sent, i + 1);
                }

                done.TrySetResult();
            },
            new ServerOptions { WriteLimit = WriteLimit, MaxMessageSize = 1024 });
        await using var raw = await RawWebSocket.OpenAsync(server.Port);

        // While the peer does not read, the sender stalls once every buffer on the way is full.
        var stalledAt = await WaitUntilStalledAsync(() => Volatile.Read(ref sent));
        Assert.InRange(stalledAt, 1, Count - 1);

        // Reading drains the buffers, and every waiting send completes.
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(chunk.Length, (await raw.ReceiveFrameAsync()).Payload.Length);
        }

        await done.Task.DefaultTimeout();
        Assert.InRange(mostBuffered, 1, WriteLimit + chunk.Length + 14);
    }

    [Fact]
    public async Task Echo_EachOverTheWriteLimit_WithAOneMessageQueue_EchoesEveryMessage()
    {
        // Every echo takes the server over its write limit, so its handler waits for the output to drain, while the
        // receive loop, with the rest of a read still to parse, waits for room in a one-message queue. The output
        // this read produced must go out before the loop waits, or neither wait ever ends.
        const int Count = 200;
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { WriteLimit = 1024, MaxQueue = 1 });
        await using var client = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { MaxQueue = Count }).DefaultTimeout();
        var payload = new byte[4096];

        // Sent without waiting for echoes, so that many arrive at the server in one read.
        var sends = Enumerable.Range(0, Count).Select(i =>
        {
            payload[0] = (byte)i;
            return client.SendAsync(payload.ToArray()).AsTask();
        }).ToArray();

        for (var i = 0; i < Count; i++)
        {
            var echo = await client.ReceiveAsync().DefaultTimeout();
            Assert.Equal(4096, echo.Data.Length);
            Assert.Equal((byte)i, echo.Data.Span[0]);
        }

        await Task.WhenAll(sends).DefaultTimeout();
    }

    private static async Task<int> WaitUntilStalledAsync(Func<int> progress)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        var last = progress();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(300);
            var now = progress();
            if (now == last && now > 0)
            {
                return now;
            }

            last = now;
        }

        throw new TimeoutException("the sender never stalled");
    }

    [Fact]
    public async Task Broadcast_SlowConsumerClosedWith1013_FastConsumersGetEveryMessageInOrder()
    {
        var (server, members, joined) = await StartRoomAsync(ws => ws.Closed, new ServerOptions { WriteLimit = 32 * 1024, CloseTimeout = TimeSpan.FromSeconds(60) });
        await using var _ = server;
        await using var fast1 = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { MaxQueue = 10_000 }).DefaultTimeout();
        await using var fast2 = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { MaxQueue = 10_000 }).DefaultTimeout();
        await using var slow = await RawWebSocket.OpenAsync(server.Port);
        for (var i = 0; i < 3; i++)
        {
            await joined.WaitAsync().DefaultTimeout();
        }

        // 24 MB in all: far more than the slow peer's socket buffers can absorb.
        const int Count = 3000;
        var payload = new string('m', 8000);
        var queuedTo = new List<int>();
        var progress = new int[2];
        var fastReading = Task.WhenAll(ReadAllAsync(fast1, Count, progress, 0), ReadAllAsync(fast2, Count, progress, 1));
        WebSocketConnection[] snapshot;
        lock (members)
        {
            snapshot = [.. members];
        }

        for (var i = 0; i < Count; i++)
        {
            // A real producer runs at a rate its healthy subscribers keep up with: stay a few messages ahead.
            while (Math.Min(Volatile.Read(ref progress[0]), Volatile.Read(ref progress[1])) < i - 3 && !fastReading.IsCompleted)
            {
                // Wait, not spin: on a loaded machine a spinning producer only takes CPU from the readers it waits for.
                await Task.Delay(1);
            }

            queuedTo.Add(Broadcast.Send(snapshot, $"{i:D5}{payload}"));
        }

        var fastResults = await fastReading.DefaultTimeout();
        var slowClose = await slow.ReceiveCloseAsync();

        Assert.All(fastResults, messages => Assert.Equal(Enumerable.Range(0, Count).Select(i => $"{i:D5}"), messages));
        Assert.Equal(1013, slowClose.CloseCode);
        Assert.Equal("slow consumer", slowClose.CloseReason);
        Assert.Equal(2, queuedTo[^1]);
    }

    [Fact]
    public async Task Broadcast_SkipPolicy_SkipsTheSlowConsumerButKeepsItOpen()
    {
        var (server, members, joined) = await StartRoomAsync(
            async ws =>
            {
                await foreach (var message in ws)
                {
                    await ws.SendAsync(message);
                }
            },
            new ServerOptions { WriteLimit = 32 * 1024 });
        await using var _ = server;
        await using var slow = await RawWebSocket.OpenAsync(server.Port);
        await joined.WaitAsync().DefaultTimeout();

        var skipped = 0;
        for (var i = 0; i < 2000 && skipped == 0; i++)
        {
            skipped += 1 - Broadcast.Send(members, new byte[4096], BroadcastPolicy.SkipSlowConsumer);
        }

        // Once it reads again, the connection still works.
        await slow.SendTextAsync("still open");
        RawFrame frame;
        do
        {
            frame = await slow.ReceiveFrameAsync();
        }
        while (frame.Opcode == RawFrame.Binary);

        Assert.Equal(1, skipped);
        Assert.Equal(RawFrame.Text, frame.Opcode);
        Assert.Equal("still open", frame.PayloadText);
    }

    /// <summary>A server that records every connection that joins, then runs <paramref name="afterJoin"/> for it.</summary>
    private static async Task<(LoopbackServer Server, List<WebSocketConnection> Members, SemaphoreSlim Joined)> StartRoomAsync(Func<WebSocketConnection, Task> afterJoin, ServerOptions options)
    {
        var members = new List<WebSocketConnection>();
        var joined = new SemaphoreSlim(0);
        var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                lock (members)
                {
                    members.Add(ws);
                }

                joined.Release();
                await afterJoin(ws);
            },
            options);
        return (server, members, joined);
    }

    private static async Task<List<string>> ReadAllAsync(WebSocketConnection ws, int count, int[] progress, int index)
    {
        var prefixes = new List<string>(count);
        while (prefixes.Count < count)
        {
            prefixes.Add((await ws.ReceiveAsync()).Text[..5]);
            Volatile.Write(ref progress[index], prefixes.Count);
        }

        return prefixes;
    }
}
