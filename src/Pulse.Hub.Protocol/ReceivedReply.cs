namespace Pulse.Hub.Protocol;

/// <summary>
/// A <c>reply</c> as a client reads it (<see cref="IEnvelopeCodec.ReadServer"/>). A reply does not say which request
/// it answers, so every field a reply may hold is kept, and the client, which knows what it asked, reads it as
/// that request's reply (<see cref="ToSubscribeReply"/> and the others). A field the reply did not carry is null.
/// </summary>
public sealed record ReceivedReply : ReplyPayload
{
    /// <summary>A reply that carried nothing, such as the reply to <c>unsubscribe</c>.</summary>
    public static ReceivedReply Empty { get; } = new();

    /// <summary><c>connect</c>: the client id.</summary>
    public string? Client { get; init; }

    /// <summary><c>connect</c>: the authenticated user; "" when anonymous.</summary>
    public string? User { get; init; }

    /// <summary><c>subscribe</c>, <c>history</c>: the channel's epoch.</summary>
    public string? Epoch { get; init; }

    /// <summary><c>subscribe</c>, <c>history</c>: the channel's latest offset; <c>publish</c>: the offset the publication got.</summary>
    public long? Offset { get; init; }

    /// <summary><c>subscribe</c> with <c>since</c>: whether every missed publication is in <see cref="Publications"/>.</summary>
    public bool? Recovered { get; init; }

    /// <summary><c>subscribe</c> with <c>since</c>, <c>history</c>: publications in order.</summary>
    public IReadOnlyList<Publication>? Publications { get; init; }

    /// <summary><c>presence</c>: who is in the channel.</summary>
    public IReadOnlyList<ClientInfo>? Clients { get; init; }

    /// <summary>This reply as the reply to <c>connect</c>.</summary>
    /// <exception cref="FormatException">It has no <c>client</c>.</exception>
    public ConnectReply ToConnectReply() => new(Client ?? throw Missing("client"), User ?? "");

    /// <summary>This reply as the reply to <c>subscribe</c>: publications count only with <c>recovered</c>.</summary>
    /// <exception cref="FormatException">It has no <c>epoch</c> or <c>offset</c>.</exception>
    public SubscribeReply ToSubscribeReply() => new(Position(), Recovered, Recovered is null ? [] : Publications ?? []);

    /// <summary>This reply as the reply to <c>publish</c>.</summary>
    /// <exception cref="FormatException">It has no <c>offset</c>.</exception>
    public PublishReply ToPublishReply() => new(Offset ?? throw Missing("offset"));

    /// <summary>This reply as the reply to <c>presence</c>.</summary>
    /// <exception cref="FormatException">It has no <c>clients</c>.</exception>
    public PresenceReply ToPresenceReply() => new(Clients ?? throw Missing("clients"));

    /// <summary>This reply as the reply to <c>history</c>.</summary>
    /// <exception cref="FormatException">It has no <c>epoch</c> or <c>offset</c>.</exception>
    public HistoryReply ToHistoryReply() => new(Position(), Publications ?? []);

    private StreamPosition Position() => new(Epoch ?? throw Missing("epoch"), Offset ?? throw Missing("offset"));

    private static FormatException Missing(string field) => new($"reply without '{field}'");
}
