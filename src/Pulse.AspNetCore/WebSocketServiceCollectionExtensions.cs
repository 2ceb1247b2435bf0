using Microsoft.Extensions.DependencyInjection.Extensions;
using Pulse.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Pulse WebSockets in an application's services. In the framework's own namespace, as SignalR's
/// <c>AddSignalR</c> is, so <c>builder.Services.AddPulseWebSockets()</c> needs no <c>using</c>.
/// </summary>
public static class WebSocketServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <c>MapWebSocket</c> endpoints share: the registry the Kestrel fast path
    /// (<c>ListenWebSockets</c>, <c>UsePulseWebSockets</c>) finds them in. Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddPulseWebSockets(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WebSocketEndpointRegistry>();
        return services;
    }
}
