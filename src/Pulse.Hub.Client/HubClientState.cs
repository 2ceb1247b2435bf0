namespace Pulse.Hub.Client;

/// <summary>Where a <see cref="HubClient"/> is in its life.</summary>
public enum HubClientState
{
    /// <summary>Connected to the hub and authenticated: requests go out at once.</summary>
    Connected,

    /// <summary>The connection dropped; the client is opening a new one. Requests wait for it (within their timeout).</summary>
    Reconnecting,

    /// <summary>Disposed, or closed for good by the hub (<see cref="HubDisconnectedEventArgs.WillReconnect"/> was false).</summary>
    Closed,
}
