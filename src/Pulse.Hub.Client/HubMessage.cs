using System.Text;
using System.Text.Json;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

/// <summary>
/// A publication delivered to a subscription: live, or recovered after a reconnection. <see cref="Data"/> holds
/// the exact JSON the publisher sent.
/// </summary>
public sealed class HubMessage
{
    private readonly JsonSerializerOptions _jsonOptions;

    internal HubMessage(string channel, string epoch, Publication publication, bool isRecovered, JsonSerializerOptions jsonOptions)
    {
        Channel = channel;
        Position = new StreamPosition(epoch, publication.Offset);
        Data = publication.Data;
        User = publication.User;
        Timestamp = publication.Timestamp;
        IsRecovered = isRecovered;
        _jsonOptions = jsonOptions;
    }

    /// <summary>The channel it was published to.</summary>
    public string Channel { get; }

    /// <summary>Its place in the channel's stream: the epoch and the offset (1, 2, 3…).</summary>
    public StreamPosition Position { get; }

    /// <summary>The offset in the channel's stream; 0 for a direct message, which belongs to no stream.</summary>
    public long Offset => Position.Offset;

    /// <summary>The message id, <c>{epoch}:{offset}</c>: the same for every recipient and every resend.</summary>
    public string Id => $"{Position.Epoch}:{Position.Offset}";

    /// <summary>The published JSON value, as UTF-8.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The publishing user; null for anonymous publishers and the server.</summary>
    public string? User { get; }

    /// <summary>When it was published, in Unix milliseconds (the hub's clock).</summary>
    public long Timestamp { get; }

    /// <summary>Whether it was recovered from history on (re)subscribing rather than delivered live.</summary>
    public bool IsRecovered { get; }

    /// <summary>The data deserialized as <typeparamref name="T"/> with <see cref="HubClientOptions.JsonSerializerOptions"/>.</summary>
    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    public T? GetData<T>() => JsonSerializer.Deserialize<T>(Data.Span, _jsonOptions);

    /// <summary>The channel, the offset and the data as JSON text.</summary>
    public override string ToString() => $"{Channel}#{Offset} {Encoding.UTF8.GetString(Data.Span)}";
}
