using Examples.ProducerConsumer;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/ProducerConsumer: reading and writing at once, and either side ending ends both.</summary>
[Trait("Category", "Examples")]
public sealed class ProducerConsumerExampleTests
{
    [Fact]
    public async Task ProducerFinishing_ClosesTheConnectionNormally_AfterEveryTick()
    {
        var log = new LogLines();
        await using var server = await ProducerConsumerServer.StartAsync(0, ticks: 3, TimeSpan.FromMilliseconds(1), log).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();

        var received = new List<string>();
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        await foreach (var message in ws.WithCancellation(deadline.Token))
        {
            received.Add(message.Text);
        }

        Assert.Equal(["tick 1", "tick 2", "tick 3"], received);
        Assert.Equal(CloseCode.NormalClosure, ws.CloseReceived?.Code);
        await log.WaitForAsync("the producer finished first; the consumer stopped");
    }

    [Fact]
    public async Task ClientLeaving_StopsTheProducer()
    {
        var log = new LogLines();
        await using var server = await ProducerConsumerServer.StartAsync(0, ticks: int.MaxValue, TimeSpan.FromMilliseconds(10), log).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();

        // Both loops at work: the consumer answers, and ticks keep coming after its answer.
        await ws.SendAsync("hello").DefaultTimeout();
        var answered = await ws.ReceiveUntilAsync(m => m.StartsWith("got", StringComparison.Ordinal));
        var ticked = await ws.ReceiveUntilAsync(m => m.StartsWith("tick", StringComparison.Ordinal));
        await ws.CloseAsync().DefaultTimeout();

        Assert.Equal("got hello", answered[^1]);
        Assert.StartsWith("tick", ticked[^1], StringComparison.Ordinal);
        await log.WaitForAsync("the client left first; the producer stopped");
    }
}
