using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pulse.Hub.Hosting;

/// <summary>Hosts the Pulse hub in an ASP.NET Core application.</summary>
public static class HubEndpointExtensions
{
    /// <summary>
    /// Registers the hub: a <see cref="HubNode"/> singleton (the server-side API), configured by
    /// <paramref name="configure"/>, and what the Kestrel fast path needs.
    /// </summary>
    public static IServiceCollection AddPulseHub(this IServiceCollection services, Action<HubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPulseWebSockets();
        services.AddSingleton(provider =>
        {
            var options = new HubOptions();
            configure?.Invoke(options);
            options.LoggerFactory ??= provider.GetService<ILoggerFactory>();
            options.WebSocket.LoggerFactory ??= options.LoggerFactory;
            return new HubNode(options);
        });
        return services;
    }

    /// <summary>
    /// Serves the hub on <paramref name="path"/> (subprotocols <c>pulse.v1.json</c> and <c>pulse.v1.protobuf</c>;
    /// a client offering neither speaks JSON). Needs <see cref="AddPulseHub"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="AddPulseHub"/> was not called.</exception>
    public static IEndpointConventionBuilder MapPulseHub(this IEndpointRouteBuilder endpoints, string path = "/ws")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var node = endpoints.ServiceProvider.GetService<HubNode>()
            ?? throw new InvalidOperationException("MapPulseHub needs services.AddPulseHub().");
        var options = node.Options.WebSocket;
        options.Subprotocols = [.. HubNode.Subprotocols];
        var userProcessRequest = options.ProcessRequest;
        options.ProcessRequest = request => userProcessRequest?.Invoke(request) ?? node.ProcessRequest(request);
        return endpoints.MapWebSocket(path, node.RunConnectionAsync, options);
    }
}
