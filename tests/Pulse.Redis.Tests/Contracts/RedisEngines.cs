using Pulse.Hub.Engines;
using Pulse.Redis.Engine;
using Pulse.Testing;
using StackExchange.Redis;

namespace Pulse.Redis.Tests.Contracts;

/// <summary>A Redis engine on its own redis-server, disposed together: what the contract suites run against.</summary>
internal sealed class RedisEngines(RedisServer server, RedisEngine engine) : IAsyncDisposable
{
    public RedisEngine Engine { get; } = engine;

    public static async Task<RedisEngines> StartAsync(IBrokerHandler? handler = null)
    {
        var server = await RedisServer.StartAsync();
        var engine = new RedisEngine(new RedisEngineOptions
        {
            Configuration = server.Address,
            ConfigureRedis = redis => redis.ReconnectRetryPolicy = new ExponentialRetry(20, 200),
        });
        if (handler is not null)
        {
            engine.SetHandler(handler);
        }

        engine.Start();
        await engine.WaitReachableAsync().DefaultTimeout();
        return new RedisEngines(server, engine);
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await server.DisposeAsync();
    }
}
