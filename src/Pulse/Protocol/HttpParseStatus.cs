namespace Pulse.Protocol;

/// <summary>The outcome of parsing an HTTP message head.</summary>
public enum HttpParseStatus
{
    /// <summary>The head is not complete yet: read more bytes.</summary>
    Incomplete,

    /// <summary>The head was parsed and consumed.</summary>
    Complete,

    /// <summary>The bytes are not a valid HTTP/1.1 head.</summary>
    Invalid,

    /// <summary>The head is larger than the limits allow (answer 431).</summary>
    TooLarge,
}
