namespace Pulse.Hub.Protocol;

/// <summary>
/// The fields of one client envelope as a codec found them, before the rules of pulse.v1 are applied
/// (<see cref="EnvelopeRules"/>). Both codecs fill this, so JSON and Protobuf share every rule and every error.
/// </summary>
internal struct EnvelopeFields
{
    /// <summary>The <c>type</c> as sent, or null when absent.</summary>
    public string? TypeName;

    /// <summary>The type, when <see cref="TypeName"/> names one.</summary>
    public EnvelopeType? Type;

    public string? Id;
    public long? Timestamp;
    public bool AckRequired;
    public string? Token;
    public string? Channel;

    /// <summary>A channel was sent but is far longer than any valid name, so it was not even read.</summary>
    public bool ChannelTooLong;

    public StreamPosition? Since;
    public int? Limit;
    public bool HasData;
    public ReadOnlyMemory<byte> Data;

    /// <summary>Fields that were present with the wrong type or out of range.</summary>
    public EnvelopeField Mistyped;
}

/// <summary>The fields of a client envelope, as flags.</summary>
[Flags]
internal enum EnvelopeField
{
    None = 0,
    Type = 1 << 0,
    Id = 1 << 1,
    Timestamp = 1 << 2,
    AckRequired = 1 << 3,
    Payload = 1 << 4,
    Token = 1 << 5,
    Channel = 1 << 6,
    Since = 1 << 7,
    Limit = 1 << 8,
    Data = 1 << 9,
}
