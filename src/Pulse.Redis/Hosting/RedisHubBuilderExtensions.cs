using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pulse.Hub.Hosting;
using Pulse.Redis.Engine;
using Pulse.Redis.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Scales the hub out over Redis: <c>services.AddPulseHub().AddRedis("127.0.0.1:6379")</c>. Every node of the
/// application on the same Redis (and key prefix) is one hub: a publication on one reaches the subscribers of all,
/// history and presence are shared. <c>pulse serve --engine redis</c> runs on this same call.
/// </summary>
public static class RedisHubBuilderExtensions
{
    /// <summary>
    /// Runs the hub on the Redis engine at <paramref name="configuration"/>, a StackExchange.Redis configuration
    /// string: <c>host:port</c> (or several endpoints of one deployment, comma-separated), then any of its options
    /// (<c>password=</c>, <c>ssl=true</c>, <c>serviceName=</c> for Sentinel; a cluster is found from any node). More
    /// settings (the key prefix) with <paramref name="configure"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> cannot be parsed; the message says why.</exception>
    public static IPulseHubBuilder AddRedis(this IPulseHubBuilder hub, string configuration, Action<RedisEngineOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        RedisConfiguration.Parse(configuration); // a wrong string fails here, at the call, not at the first connection
        return hub.AddRedis(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Runs the hub on the Redis engine configured by <paramref name="configure"/> (through
    /// <see cref="IOptions{RedisEngineOptions}"/>, validated when the application starts). The engine connects while
    /// the application starts (waiting up to ten seconds, then serving anyway and reconnecting in the background),
    /// and adds the health check <c>pulse-redis</c> (tag <c>pulse</c>), unhealthy while Redis is unreachable.
    /// </summary>
    public static IPulseHubBuilder AddRedis(this IPulseHubBuilder hub, Action<RedisEngineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(configure);
        var services = hub.Services;
        services.AddOptions<RedisEngineOptions>().Configure(configure).ValidateOnStart();
        if (services.Any(service => service.ServiceType == typeof(RedisEngine)))
        {
            return hub;
        }

        services.AddSingleton<IValidateOptions<RedisEngineOptions>>(new ThrowingOptionsValidation<RedisEngineOptions>(redis => redis.Validate()));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<RedisEngineOptions>>().Value;
            options.LoggerFactory ??= provider.GetService<ILoggerFactory>();
            return new RedisEngine(options);
        });
        services.AddOptions<HubOptions>().Configure<RedisEngine>((options, engine) =>
        {
            options.Broker = engine;
            options.PresenceStore = engine;
            options.Cluster = engine;
        });
        services.AddHostedService<RedisEngineService>();
        services.AddHealthChecks().AddCheck<RedisEngineHealthCheck>("pulse-redis", tags: ["pulse"]);
        return hub;
    }
}
