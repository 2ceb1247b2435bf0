using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pulse.Redis.Engine;

namespace Pulse.Redis.Hosting;

/// <summary>The Redis engine's health check, <c>pulse-redis</c>: unhealthy, saying why, while any Redis connection is down.</summary>
internal sealed class RedisEngineHealthCheck(RedisEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(engine.Problem is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy($"node {engine.NodeId}"));
}
