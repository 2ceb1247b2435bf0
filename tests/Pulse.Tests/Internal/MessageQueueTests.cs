using Pulse.Internal;

namespace Pulse.Tests.Internal;

/// <summary>The incoming queue: in order, bounded, a writer that waits for room, a reader that waits, ends and cancels.</summary>
public sealed class MessageQueueTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void TryWrite_UpToTheBound_ThenRefuses_AndReadsInOrder()
    {
        var queue = new MessageQueue(10);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(queue.TryWrite(Message.FromText(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        Assert.False(queue.TryWrite(Message.FromText("over")));
        var read = new List<string>();
        while (queue.TryRead(out var message))
        {
            read.Add(message.Text);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), read);
    }

    [Fact]
    public async Task WriteAsync_WhenFull_WaitsForARead()
    {
        var queue = new MessageQueue(1);
        Assert.True(queue.TryWrite(Message.FromText("a")));

        var writing = queue.WriteAsync(Message.FromText("b"), CancellationToken.None).AsTask();
        Assert.False(writing.IsCompleted);
        Assert.True(queue.TryRead(out var first));
        await writing.WaitAsync(s_wait);

        Assert.True(queue.TryRead(out var second));
        Assert.Equal(["a", "b"], new[] { first.Text, second.Text });
    }

    [Fact]
    public async Task WriteAsync_Cancelled_ThrowsOperationCanceled()
    {
        var queue = new MessageQueue(1);
        Assert.True(queue.TryWrite(Message.FromText("a")));
        using var cancel = new CancellationTokenSource();

        var writing = queue.WriteAsync(Message.FromText("b"), cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writing.WaitAsync(s_wait));
    }

    [Fact]
    public async Task WaitToReadAsync_WakesOnWrite_ThenOnComplete_AfterTheLastMessage()
    {
        var queue = new MessageQueue(4);

        var waiting = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        queue.TryWrite(Message.FromText("a"));
        Assert.True(await waiting.WaitAsync(s_wait));

        queue.Complete();
        Assert.True(await queue.WaitToReadAsync(CancellationToken.None)); // "a" is still there
        Assert.True(queue.TryRead(out _));
        Assert.False(await queue.WaitToReadAsync(CancellationToken.None));
        Assert.False(queue.TryWrite(Message.FromText("late")));
    }

    [Fact]
    public async Task WaitToReadAsync_CompletedWhileWaiting_ReturnsFalse()
    {
        var queue = new MessageQueue(4);

        var waiting = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        queue.Complete();

        Assert.False(await waiting.WaitAsync(s_wait));
    }

    [Fact]
    public async Task WaitToReadAsync_Cancelled_Throws_AndTheNextWaitStillWorks()
    {
        var queue = new MessageQueue(4);
        using var cancel = new CancellationTokenSource();

        var waiting = queue.WaitToReadAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(s_wait));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.WaitToReadAsync(cancel.Token).AsTask());

        var next = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        queue.TryWrite(Message.FromText("a"));
        Assert.True(await next.WaitAsync(s_wait));
    }

    [Fact]
    public async Task OneWriterOneReader_EveryMessageArrivesOnceInOrder()
    {
        var queue = new MessageQueue(3);
        const int count = 20_000;

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                var message = new Message(MessageType.Binary, BitConverter.GetBytes(i));
                if (!queue.TryWrite(message))
                {
                    await queue.WriteAsync(message, CancellationToken.None);
                }
            }

            queue.Complete();
        });
        var next = 0;
        while (await queue.WaitToReadAsync(CancellationToken.None))
        {
            while (queue.TryRead(out var message))
            {
                Assert.Equal(next++, BitConverter.ToInt32(message.Data.Span));
            }
        }

        await writer.WaitAsync(s_wait);
        Assert.Equal(count, next);
    }
}
