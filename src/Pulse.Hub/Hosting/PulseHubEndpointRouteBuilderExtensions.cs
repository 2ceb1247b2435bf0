using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pulse.Hub.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps the Pulse hub in an ASP.NET Core application. In the framework's own namespace, as SignalR's <c>MapHub</c>
/// is, so <c>app.MapPulseHub("/ws")</c> needs no <c>using</c>.
/// </summary>
public static class PulseHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the hub on <paramref name="path"/> (subprotocols <c>pulse.v1.json</c> and <c>pulse.v1.protobuf</c>;
    /// a client offering neither speaks JSON). Needs <c>services.AddPulseHub()</c>. Like any endpoint, it takes
    /// <c>.RequireAuthorization()</c>, CORS and rate limiting, on every way in.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddPulseHub</c> was not called.</exception>
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
