namespace Pulse.Hub.Client;

/// <summary>A connection to the hub is up and authenticated (<see cref="HubClient.Connected"/>).</summary>
public sealed class HubConnectedEventArgs(string clientId, string user, bool isReconnect) : EventArgs
{
    /// <summary>The client id the hub gave this connection (a new one on each connection).</summary>
    public string ClientId { get; } = clientId;

    /// <summary>The authenticated user, or "" for an anonymous connection.</summary>
    public string User { get; } = user;

    /// <summary>Whether this replaces a connection that dropped; subscriptions are being restored.</summary>
    public bool IsReconnect { get; } = isReconnect;
}
