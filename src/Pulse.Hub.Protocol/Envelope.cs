namespace Pulse.Hub.Protocol;

/// <summary>
/// A client's envelope as read from the wire (JSON or Protobuf): the type, the common fields, and the payload
/// fields its type uses. Readers guarantee that the fields a type requires are present and well-typed.
/// </summary>
public sealed record Envelope
{
    /// <summary>The envelope type.</summary>
    public required EnvelopeType Type { get; init; }

    /// <summary>The request id; required on every request that expects a reply; for <c>ack</c>, the acknowledged message id.</summary>
    public string? Id { get; init; }

    /// <summary>Unix milliseconds set by the sender, if it did.</summary>
    public long? Timestamp { get; init; }

    /// <summary>On <c>publish</c>: every delivery must be acknowledged by its recipient.</summary>
    public bool AckRequired { get; init; }

    /// <summary><c>connect</c>: the token.</summary>
    public string? Token { get; init; }

    /// <summary><c>subscribe</c>, <c>unsubscribe</c>, <c>publish</c>, <c>presence</c>, <c>history</c>: the channel (a valid name).</summary>
    public string? Channel { get; init; }

    /// <summary><c>subscribe</c>, <c>history</c>: the position to recover or read from.</summary>
    public StreamPosition? Since { get; init; }

    /// <summary><c>history</c>: the most publications to return; null for the namespace's whole history.</summary>
    public int? Limit { get; init; }

    /// <summary><c>publish</c>: the data, as the UTF-8 text of a JSON value.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }
}
