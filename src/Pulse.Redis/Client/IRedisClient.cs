using Pulse.Redis.Resp;

namespace Pulse.Redis.Client;

/// <summary>
/// Commands to one Redis server over one multiplexed connection. The engine uses only this interface, so another
/// client (StackExchange.Redis, for instance) could take its place.
/// </summary>
public interface IRedisClient : IAsyncDisposable
{
    /// <summary>Whether the server is reachable now.</summary>
    bool IsConnected { get; }

    /// <summary>Sends a command and returns its reply.</summary>
    /// <exception cref="RedisErrorException">Redis answered with an error reply.</exception>
    /// <exception cref="RedisConnectionException">Redis is not reachable, or the connection broke.</exception>
    /// <exception cref="RedisTimeoutException">No reply in time.</exception>
    Task<RespValue> ExecuteAsync(RedisArg[] command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends several commands in one write (pipelining) and returns their replies in order. Error replies are
    /// returned as values, not thrown, so one failing command does not hide the others' results.
    /// </summary>
    Task<RespValue[]> ExecuteBatchAsync(IReadOnlyList<RedisArg[]> commands, CancellationToken cancellationToken = default);
}
