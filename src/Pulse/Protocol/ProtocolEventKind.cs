namespace Pulse.Protocol;

/// <summary>What <see cref="WebSocketProtocol.Receive"/> found in the input.</summary>
public enum ProtocolEventKind
{
    /// <summary>Nothing complete yet: feed more bytes.</summary>
    None,

    /// <summary>A chunk of a data message's payload (<see cref="ProtocolEvent.Payload"/>).</summary>
    Data,

    /// <summary>A ping frame; the pong is already written to the replies.</summary>
    Ping,

    /// <summary>A pong frame, with the payload of the ping it answers.</summary>
    Pong,

    /// <summary>A close frame; the answering close frame, if one was due, is already written to the replies.</summary>
    Close,

    /// <summary>
    /// The peer broke the protocol (or a limit): the connection is failed (RFC 6455 §7.1.7), a close frame with
    /// <see cref="ProtocolEvent.Error"/> is written to the replies, and every later input is ignored.
    /// </summary>
    Error,
}
