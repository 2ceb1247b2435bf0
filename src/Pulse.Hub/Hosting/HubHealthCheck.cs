using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Pulse.Hub.Hosting;

/// <summary>
/// The hub's health check, <c>pulse-hub</c> (tag <c>pulse</c>): healthy while the node serves, with its connection
/// and channel counts; unhealthy once the application is stopping (clients are being told to reconnect elsewhere).
/// Map it with <c>app.MapHealthChecks("/healthz")</c>. The engine has a check of its own (<c>AddRedis</c> adds one).
/// </summary>
internal sealed class HubHealthCheck(HubNode node, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["connections"] = node.ConnectionCount,
            ["channels"] = node.Channels.Count,
        };
        return Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("the hub is stopping", data: data)
            : HealthCheckResult.Healthy($"{node.ConnectionCount} connections", data));
    }
}
