using Pulse.Protocol;

namespace Pulse.Hosting;

/// <summary>The WebSocket endpoints of an application, by path, for the connection middleware's fast path.</summary>
internal sealed class WebSocketEndpointRegistry
{
    private volatile WebSocketEndpoint[] _endpoints = [];

    /// <summary>The longest handshake timeout of any endpoint: the deadline for a request head to arrive.</summary>
    public TimeSpan HandshakeTimeout { get; private set; } = TimeSpan.FromSeconds(10);

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
}
