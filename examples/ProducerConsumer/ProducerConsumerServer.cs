using Pulse;

namespace Examples.ProducerConsumer;

/// <summary>
/// A handler that reads and writes at the same time, and ends both sides cleanly when either ends. The
/// producer sends <c>tick 1</c>, <c>tick 2</c>… at an interval; the consumer answers each message the client
/// sends with <c>got …</c>. When the ticks run out the connection closes (1000); when the client leaves the
/// ticks stop.
/// </summary>
public sealed class ProducerConsumerServer : IAsyncDisposable
{
    private readonly int _ticks;
    private readonly TimeSpan _interval;
    private readonly TextWriter _log;
    private WebSocketServer? _server;

    private ProducerConsumerServer(int ticks, TimeSpan interval, TextWriter log) => (_ticks, _interval, _log) = (ticks, interval, log);

    public int Port => _server!.Port;

    /// <summary>Starts the server: <paramref name="ticks"/> ticks per connection, one per second unless told otherwise; what happens is written to <paramref name="log"/> (the console by default).</summary>
    public static async Task<ProducerConsumerServer> StartAsync(int port, int ticks = 10, TimeSpan? interval = null, TextWriter? log = null)
    {
        var server = new ProducerConsumerServer(ticks, interval ?? TimeSpan.FromSeconds(1), log ?? Console.Out);
        server._server = await WebSocketServer.StartAsync(server.HandleAsync, "127.0.0.1", port);
        return server;
    }

    public Task StopAsync() => _server!.StopAsync();

    public ValueTask DisposeAsync() => _server!.DisposeAsync();

    private async Task HandleAsync(WebSocketConnection ws)
    {
        using var either = new CancellationTokenSource();
        var consumer = ConsumeAsync(ws, either.Token);
        var producer = ProduceAsync(ws, either.Token);

        // Whichever ends first stops the other, like asyncio.wait(..., return_when=FIRST_COMPLETED).
        var first = await Task.WhenAny(consumer, producer);
        await either.CancelAsync();
        await Task.WhenAll(consumer, producer);

        await _log.WriteLineAsync(first == producer
            ? $"{ws.Id}: the producer finished first; the consumer stopped"
            : $"{ws.Id}: the client left first; the producer stopped");

        // Returning closes the connection with 1000, after the messages already sent, unless the client closed it.
    }

    private static async Task ConsumeAsync(WebSocketConnection ws, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in ws.WithCancellation(cancellationToken))
            {
                await ws.SendAsync($"got {message}", cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The producer finished first.
        }
        catch (ConnectionClosedException)
        {
            // The connection failed (ConnectionClosedErrorException): also the end of the consumer.
        }
    }

    private async Task ProduceAsync(WebSocketConnection ws, CancellationToken cancellationToken)
    {
        try
        {
            for (var tick = 1; tick <= _ticks; tick++)
            {
                await Task.Delay(_interval, cancellationToken);
                await ws.SendAsync($"tick {tick}", cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left first.
        }
        catch (ConnectionClosedException)
        {
            // The connection closed between two ticks, before the consumer noticed.
        }
    }
}
