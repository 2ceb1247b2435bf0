using Pulse.Protocol;

namespace Pulse.Hosting;

/// <summary>The WebSocket endpoints of an application, by path, for the connection middleware's fast path.</summary>
internal sealed class WebSocketEndpointRegistry
{
    private volatile WebSocketEndpoint[] _endpoints = [];

    /// <summary>The longest handshake timeout of any endpoint: the deadline for a request head to arrive.</summary>
    public TimeSpan HandshakeTimeout { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Set by a host that builds the app itself and puts no middleware in its pipeline (<see cref="WebSocketServer"/>,
    /// <c>pulse serve</c>): only then may the fast path answer an upgrade without the pipeline, since nothing
    /// there could refuse it. An app of the user's never sets it: its pipeline decides every upgrade.
    /// </summary>
    public bool PipelineHasNoMiddleware { get; set; }

    /// <summary>Whether some endpoint may be answered by the fast path alone (see <see cref="DecidesAlone"/>).</summary>
    public bool AnyDecidesAlone => PipelineHasNoMiddleware && _endpoints.Length > 0;

    public void Add(WebSocketEndpoint endpoint)
    {
        lock (this)
        {
            _endpoints = [.. _endpoints, endpoint];
            HandshakeTimeout = _endpoints.Max(e => e.Options.HandshakeTimeout);
        }
    }

    public WebSocketEndpoint? Find(HandshakeRequest request)
    {
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.Path is null || string.Equals(endpoint.Path, request.Path, StringComparison.OrdinalIgnoreCase))
            {
                return endpoint;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the fast path may decide an upgrade to <paramref name="endpoint"/> without the app's pipeline:
    /// the host put no middleware there, and the route carries nothing a middleware would act on.
    /// </summary>
    public bool DecidesAlone(WebSocketEndpoint endpoint) => PipelineHasNoMiddleware && endpoint.RouteHasNoPipelineRules;
}
