namespace Pulse.Hub.Protocol;

/// <summary>
/// One message published to a channel: <c>{offset, data, user?, timestamp}</c> wherever it appears.
/// <see cref="Data"/> is the UTF-8 text of a JSON value, kept as bytes so it is never parsed again on the way.
/// </summary>
/// <remarks>Immutable and shared by every recipient. A wire type only: the host keeps its encodings elsewhere.</remarks>
public sealed class Publication
{
    /// <summary>Creates a publication.</summary>
    public Publication(long offset, ReadOnlyMemory<byte> data, string? user, long timestamp, string? clientId = null, bool ackRequired = false)
    {
        Offset = offset;
        Data = data;
        User = user;
        Timestamp = timestamp;
        ClientId = clientId;
        AckRequired = ackRequired;
    }

    /// <summary>The offset in its channel's stream (1, 2, 3…).</summary>
    public long Offset { get; }

    /// <summary>The JSON value published, as UTF-8.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The publishing user, when known and not anonymous.</summary>
    public string? User { get; }

    /// <summary>When it was published, in Unix milliseconds.</summary>
    public long Timestamp { get; }

    /// <summary>The publishing client's id (not sent to others; used to skip echoes where a namespace asks).</summary>
    public string? ClientId { get; }

    /// <summary>Whether deliveries must be acknowledged by each recipient (retried until they are).</summary>
    public bool AckRequired { get; }
}
