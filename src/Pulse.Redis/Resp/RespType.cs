namespace Pulse.Redis.Resp;

/// <summary>The kinds of RESP2 and RESP3 values, named after the protocol specification.</summary>
public enum RespType
{
    /// <summary><c>+OK</c></summary>
    SimpleString,

    /// <summary><c>-ERR message</c>: an error reply.</summary>
    Error,

    /// <summary><c>:42</c></summary>
    Number,

    /// <summary><c>$3\r\nfoo</c></summary>
    BulkString,

    /// <summary><c>*2\r\n…</c></summary>
    Array,

    /// <summary>RESP2 <c>$-1</c> or <c>*-1</c>, RESP3 <c>_</c>.</summary>
    Null,

    /// <summary>RESP3 <c>,1.5</c></summary>
    Real,

    /// <summary>RESP3 <c>#t</c></summary>
    Boolean,

    /// <summary>RESP3 <c>(3492890328409238509324850943850943825024385</c>, kept as text.</summary>
    BigNumber,

    /// <summary>RESP3 <c>!21\r\nSYNTAX invalid syntax</c>: an error reply.</summary>
    BulkError,

    /// <summary>RESP3 <c>=15\r\ntxt:Some string</c>; the value excludes the format prefix.</summary>
    VerbatimString,

    /// <summary>RESP3 <c>%2\r\n…</c>; items are key, value, key, value….</summary>
    Map,

    /// <summary>RESP3 <c>~3\r\n…</c></summary>
    Set,

    /// <summary>RESP3 <c>&gt;3\r\n…</c>: out-of-band data such as Pub/Sub messages.</summary>
    Push,
}
