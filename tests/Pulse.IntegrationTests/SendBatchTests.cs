using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Broadcast.BeginBatch: what is sent inside a batch is flushed by the thread that disposes it, and only then.</summary>
public sealed class SendBatchTests
{
    [Fact]
    public async Task TrySendInsideNestedBatches_ReachesEveryPeer_OnlyOnceTheOuterBatchIsDisposed()
    {
        var joined = new List<WebSocketConnection>();
        var allJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async ws =>
        {
            lock (joined)
            {
                joined.Add(ws);
                if (joined.Count == 3)
                {
                    allJoined.TrySetResult();
                }
            }

            await ws.Closed;
        });
        var clients = new List<WebSocketConnection>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout());
        }

        await allJoined.Task.DefaultTimeout();
        var message = PreparedMessage.Create(new Message(MessageType.Text, "batched"u8.ToArray()));
        var receiving = clients.Select(c => c.ReceiveAsync().AsTask()).ToArray();

        // On a thread of its own, so that no await falls inside the batch (as its contract asks).
        await Task.Factory.StartNew(() =>
        {
            using (Broadcast.BeginBatch())
            {
                // A batch begun inside another joins it: its own dispose flushes nothing.
                using (Broadcast.BeginBatch())
                {
                    foreach (var connection in joined)
                    {
                        Assert.True(connection.TrySend(message));
                    }
                }

                // Nothing else flushes these connections: until the outer batch ends, nothing may reach the peers.
                Thread.Sleep(300);
                Assert.DoesNotContain(receiving, r => r.IsCompleted);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).DefaultTimeout();

        foreach (var received in await Task.WhenAll(receiving).DefaultTimeout())
        {
            Assert.Equal("batched", received.Text);
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
