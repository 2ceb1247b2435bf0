namespace Pulse.Redis.Client;

/// <summary>
/// Pub/Sub on its own connection (a subscribed connection can run no other command). Subscriptions survive
/// reconnection: they are renewed on every new connection.
/// </summary>
public interface IRedisSubscriber : IAsyncDisposable
{
    /// <summary>Whether the connection is open now.</summary>
    bool IsConnected { get; }

    /// <summary>Subscribes to <paramref name="channel"/>; completes when Redis confirmed it.</summary>
    /// <exception cref="RedisConnectionException">Redis is not reachable now; the subscription was not kept.</exception>
    Task SubscribeAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>Unsubscribes from <paramref name="channel"/>.</summary>
    Task UnsubscribeAsync(string channel, CancellationToken cancellationToken = default);
}
