namespace Pulse;

/// <summary>The kind of a WebSocket data message (RFC 6455 §5.6).</summary>
public enum MessageType
{
    /// <summary>UTF-8 text (opcode 0x1). Pulse validates the encoding of every text message it receives.</summary>
    Text = 1,

    /// <summary>Arbitrary bytes (opcode 0x2).</summary>
    Binary = 2,
}
