namespace Pulse.Protocol;

/// <summary>Frame opcodes (RFC 6455 §5.2). Values 0x3–0x7 and 0xB–0xF are reserved and fail the connection.</summary>
public enum Opcode : byte
{
    /// <summary>0x0: a continuation frame of a fragmented message.</summary>
    Continuation = 0x0,

    /// <summary>0x1: the first frame of a text message.</summary>
    Text = 0x1,

    /// <summary>0x2: the first frame of a binary message.</summary>
    Binary = 0x2,

    /// <summary>0x8: a close frame.</summary>
    Close = 0x8,

    /// <summary>0x9: a ping frame.</summary>
    Ping = 0x9,

    /// <summary>0xA: a pong frame.</summary>
    Pong = 0xA,
}
