using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pulse.Hub.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the Pulse hub in an application's services. In the framework's own namespace, as SignalR's
/// <c>AddSignalR</c> is, so <c>builder.Services.AddPulseHub()</c> needs no <c>using</c>.
/// </summary>
public static class PulseHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers the hub: a <see cref="HubNode"/> singleton (the server-side API) built from
    /// <see cref="IOptions{HubOptions}"/>, validated when the application starts (an invalid option fails the start,
    /// naming the option), its health check (<c>pulse-hub</c>), and what the Kestrel fast path needs.
    /// Configure it with <paramref name="configure"/>, or on the builder returned:
    /// <c>.Configure(...)</c>, <c>.BindConfiguration("Pulse:Hub")</c>, <c>.AddRedis(...)</c>.
    /// </summary>
    public static IPulseHubBuilder AddPulseHub(this IServiceCollection services, Action<HubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPulseWebSockets();
        var options = services.AddOptions<HubOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (!services.Any(service => service.ServiceType == typeof(HubNode)))
        {
            options.ValidateOnStart();
            services.AddSingleton(provider =>
            {
                var hub = provider.GetRequiredService<IOptions<HubOptions>>().Value;
                hub.LoggerFactory ??= provider.GetService<ILoggerFactory>();
                hub.WebSocket.LoggerFactory ??= hub.LoggerFactory;
                return new HubNode(hub);
            });
            services.AddSingleton<IValidateOptions<HubOptions>>(new ThrowingOptionsValidation<HubOptions>(hub => hub.Validate()));
            services.AddHealthChecks().AddCheck<HubHealthCheck>("pulse-hub", tags: ["pulse"]);
        }

        return new PulseHubBuilder(services);
    }
}
