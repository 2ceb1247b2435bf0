using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §5: SendAsync waits over WriteLimit; Broadcast never waits and never buffers without bound.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task SendAsync_WaitsWhileOverWriteLimit_ThenCompletesWhenThePeerReads()
    {
        var blocked = new TaskCompletionSource<(Task Pending, int Buffered)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var chunk = new byte[16 * 1024];
        await using var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                // The peer never reads: sooner or later the kernel's buffers fill and SendAsync must wait.
                for (var i = 0; i < 20_000; i++)
                {
                    var send = ws.SendAsync(chunk);
                    if (!send.IsCompleted)
                    {
                        blocked.TrySetResult((send.AsTask(), ws.BufferedBytes));
                        await send;
                        return;
                    }
                }

                blocked.TrySetException(new InvalidOperationException("SendAsync never waited"));
            },
            new ServerOptions { WriteLimit = 64 * 1024, MaxMessageSize = 1024 });
        await using var raw = await RawWebSocket.OpenAsync(server.Port);

        var (pending, buffered) = await blocked.Task.DefaultTimeout();
        Assert.False(pending.IsCompleted);
        Assert.InRange(buffered, 64 * 1024, 64 * 1024 + chunk.Length + 64);

        // Reading drains the buffers, and the waiting send completes.
        var reading = Task.Run(async () =>
        {
            while (!pending.IsCompleted)
            {
                await raw.ReceiveFrameAsync();
            }
        });
        await pending.DefaultTimeout();
        await reading.DefaultTimeout();
    }

    [Fact]
    public async Task Broadcast_SlowConsumerClosedWith1013_FastConsumersGetEveryMessageInOrder()
    {
        var members = new List<WebSocketConnection>();
        var joined = new SemaphoreSlim(0);
        await using var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                lock (members)
                {
                    members.Add(ws);
                }

                joined.Release();
                await ws.Closed;
            },
            new ServerOptions { WriteLimit = 32 * 1024, CloseTimeout = TimeSpan.FromSeconds(60) });
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
                await Task.Yield();
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
        var members = new List<WebSocketConnection>();
        var joined = new SemaphoreSlim(0);
        await using var server = await LoopbackServer.StartAsync(
            async ws =>
            {
                lock (members)
                {
                    members.Add(ws);
                }

                joined.Release();
                await foreach (var message in ws)
                {
                    await ws.SendAsync(message);
                }
            },
            new ServerOptions { WriteLimit = 32 * 1024 });
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
