using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pulse.Hosting;

namespace Pulse;

/// <summary>Hosts Pulse WebSocket endpoints in an ASP.NET Core application.</summary>
public static class WebSocketServerEndpointExtensions
{
    /// <summary>
    /// Serves WebSocket connections on <paramref name="path"/>, each run by <paramref name="handler"/>.
    /// Upgrades arrive through the HTTP upgrade feature, or straight off the transport on listeners set up with
    /// <see cref="WebSocketListenOptionsExtensions.UsePulseWebSockets"/>. When the application stops, open
    /// connections are closed with 1001 and given <see cref="ServerOptions.DrainTimeout"/> to finish.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IEndpointConventionBuilder MapWebSocket(this IEndpointRouteBuilder endpoints, string path, Func<WebSocketConnection, Task> handler, ServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ServerOptions();
        options.LoggerFactory ??= endpoints.ServiceProvider.GetService<ILoggerFactory>();
        var endpoint = new WebSocketEndpoint(path, handler, options);
        endpoints.ServiceProvider.GetService<WebSocketEndpointRegistry>()?.Add(endpoint);
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(
            // The host blocks its shutdown on these callbacks: that is the drain.
            () => endpoint.StopAsync().GetAwaiter().GetResult());
        return endpoints.Map(path, endpoint.HandleHttpAsync);
    }

    /// <summary>Registers what the Kestrel fast path (<see cref="WebSocketListenOptionsExtensions.UsePulseWebSockets"/>) needs to find endpoints.</summary>
    public static IServiceCollection AddPulseWebSockets(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<WebSocketEndpointRegistry>();
        return services;
    }
}
