namespace Pulse.Hub.Core;

/// <summary>What a channel's namespace allows and keeps (DESIGN §2: each namespace has its own options).</summary>
internal sealed record ChannelPolicy
{
    /// <summary>Whether the channel tracks presence (who is subscribed).</summary>
    public bool Presence { get; init; } = true;

    /// <summary>Whether subscribers get <c>join</c> and <c>leave</c> envelopes.</summary>
    public bool JoinLeave { get; init; }

    /// <summary>How many publications the history keeps; 0 keeps none (recovery then always fails).</summary>
    public int HistorySize { get; init; } = 100;

    /// <summary>How long publications stay in history, in milliseconds.</summary>
    public long HistoryTtlMs { get; init; } = 5 * 60 * 1000;

    /// <summary>Who may publish from a client connection.</summary>
    public PublishPermission Publish { get; init; } = PublishPermission.Anyone;

    /// <summary>Whether using the channel (subscribe, publish, presence, history) needs a token whose <c>channels</c> claim allows it.</summary>
    public bool Private { get; init; }

    /// <summary>Whether anonymous clients may use the channel at all (subscribe, publish, presence, history).</summary>
    public bool AllowAnonymous { get; init; } = true;
}

/// <summary>Who may publish to a channel from a client connection (the server-side API always may).</summary>
public enum PublishPermission
{
    /// <summary>Any client allowed to use the channel.</summary>
    Anyone,

    /// <summary>Only clients subscribed to the channel.</summary>
    Subscribers,

    /// <summary>No client: only the server-side API publishes.</summary>
    ServerOnly,
}
