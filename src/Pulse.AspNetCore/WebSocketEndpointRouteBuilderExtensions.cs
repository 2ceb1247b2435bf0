using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pulse;
using Pulse.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps Pulse WebSocket endpoints in an ASP.NET Core application. In the framework's own namespace, as SignalR's
/// <c>MapHub</c> is, so <c>app.MapWebSocket</c> needs no <c>using</c>.
/// </summary>
public static class WebSocketEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves WebSocket connections on <paramref name="path"/>, each run by <paramref name="handler"/>.
    /// Every upgrade passes the app's pipeline first (authentication, authorization, CORS, rate limiting, any
    /// middleware that answers), whichever way it arrives: an HTTP/1.1 upgrade, an HTTP/2 extended CONNECT
    /// (RFC 8441), or a listener with the fast path (<see cref="Hosting.WebSocketListenOptionsExtensions.UsePulseWebSockets"/>),
    /// where an accepted connection then leaves Kestrel's HTTP layer and runs on the transport itself.
    /// When the application stops, open connections are closed with 1001 and given
    /// <see cref="ServerOptions.DrainTimeout"/> to finish.
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
        var route = endpoints.Map(path, endpoint.HandleHttpAsync);

        // Runs once the route's metadata is final (group conventions included): what a middleware would act on
        // keeps even a host without middleware from answering upgrades to this path on its own.
        route.Finally(built => endpoint.RouteHasNoPipelineRules = !built.Metadata.Any(IsPipelineRule));
        return route;
    }

    private static bool IsPipelineRule(object metadata) =>
        metadata is IAuthorizeData or IAuthorizationRequirementData or IAllowAnonymous or ICorsMetadata or IAntiforgeryMetadata;
}
