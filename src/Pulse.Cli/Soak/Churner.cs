using Pulse.Hub.Client;

namespace Pulse.Cli.Soak;

/// <summary>
/// One of the soak's many short-lived hub clients: connect (through the relay, so it may be cut), subscribe to
/// a room, sometimes publish there with <c>ack_required</c>, stay a random while, leave; again until stopped.
/// </summary>
internal sealed class Churner(Uri uri, int index, int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Sessions that got as far as a subscription.</summary>
    public long Sessions { get; private set; }

    /// <summary>Publishes acknowledged by the hub.</summary>
    public long Publishes { get; private set; }

    /// <summary>Sessions that ended in an error (a cut during the handshake or a request, mostly: expected here).</summary>
    public long Failures { get; private set; }

    public async Task RunAsync(TimeSpan startWithin, CancellationToken stop)
    {
        var room = $"room:{index % 64}";
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.NextDouble() * startWithin.TotalMilliseconds), stop).ConfigureAwait(false);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var client = await HubClient.ConnectAsync(uri, Options(), stop).ConfigureAwait(false);
                    await using var subscription = await client.SubscribeAsync(room, _ => ValueTask.CompletedTask, cancellationToken: stop).ConfigureAwait(false);
                    Sessions++;
                    if (_random.Next(4) == 0)
                    {
                        await client.PublishAsync(room, new { from = index }, ackRequired: true, stop).ConfigureAwait(false);
                        Publishes++;
                    }

                    await Task.Delay(_random.Next(200, 3000), stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    Failures++;
                    await Task.Delay(_random.Next(50, 500), stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    /// <summary>Quick reconnection, short timeouts: a soak client gives up and starts over rather than waits.</summary>
    public static HubClientOptions Options() => new()
    {
        RequestTimeout = TimeSpan.FromSeconds(10),
        WebSocket = new ClientOptions
        {
            UseProxyFromEnvironment = false,
            OpenTimeout = TimeSpan.FromSeconds(10),
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
            CloseTimeout = TimeSpan.FromSeconds(2),
        },
    };
}
