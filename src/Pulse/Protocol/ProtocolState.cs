namespace Pulse.Protocol;

/// <summary>The state of a WebSocket connection after the opening handshake (RFC 6455 §4, §7).</summary>
public enum ProtocolState
{
    /// <summary>Messages flow both ways.</summary>
    Open,

    /// <summary>A close frame was sent or received but not both: the closing handshake is under way.</summary>
    Closing,

    /// <summary>Close frames were both sent and received, or the connection failed: only the TCP close remains.</summary>
    Closed,
}
