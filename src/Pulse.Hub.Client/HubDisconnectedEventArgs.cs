namespace Pulse.Hub.Client;

/// <summary>The connection to the hub ended (<see cref="HubClient.Disconnected"/>).</summary>
public sealed class HubDisconnectedEventArgs(CloseFrame closeStatus, bool willReconnect, Exception? error = null) : EventArgs
{
    /// <summary>
    /// Why it ended: the close frame the hub sent, else the one the client sent (such as 1011 <c>heartbeat
    /// timeout</c>), else <see cref="CloseCode.AbnormalClosure"/> when the link just broke.
    /// </summary>
    public CloseFrame CloseStatus { get; } = closeStatus;

    /// <summary>The close code of <see cref="CloseStatus"/>.</summary>
    public CloseCode Code => CloseStatus.Code;

    /// <summary>Whether the client will reconnect; false when it was disposed or the hub closed it for good.</summary>
    public bool WillReconnect { get; } = willReconnect;

    /// <summary>
    /// When reconnecting stopped for good after this connection ended (such as a <see cref="HubErrorException"/>
    /// 401 for a refused token): why. The event is then raised a second time, with this set. Null otherwise.
    /// </summary>
    public Exception? Error { get; } = error;
}
