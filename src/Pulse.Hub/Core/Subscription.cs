using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>One channel subscription of a session, with the requests that concern it.</summary>
internal sealed class Subscription(string channel, ChannelPolicy policy)
{
    public string Channel { get; } = channel;

    public ChannelPolicy Policy { get; } = policy;

    public SubscriptionState State { get; set; }

    /// <summary>The engine call in flight for this subscription.</summary>
    public long RequestNumber { get; set; }

    /// <summary>The id of the <c>subscribe</c> to answer; null when the server subscribed the session.</summary>
    public string? ReplyId { get; set; }

    /// <summary>The position the client asked to recover from.</summary>
    public StreamPosition? Since { get; set; }

    /// <summary>The epoch of the last publication delivered (or of the subscribe reply).</summary>
    public string Epoch { get; private set; } = "";

    /// <summary>The offset of the last publication delivered (or of the subscribe reply).</summary>
    public long LastOffset { get; private set; }

    /// <summary>An <c>unsubscribe</c> (this id) arrived while subscribing: answered once the subscribe is.</summary>
    public string? UnsubscribeId { get; set; }

    /// <summary>A <c>subscribe</c> arrived while unsubscribing: started once the unsubscribe is done.</summary>
    public PendingSubscribe? Resubscribe { get; set; }

    /// <summary>Live publications that arrived while subscribing.</summary>
    public List<(string Epoch, Publication Publication)>? Buffer { get; set; }

    public void MoveTo(StreamPosition position)
    {
        Epoch = position.Epoch;
        LastOffset = position.Offset;
    }
}

/// <summary>Where a subscription is.</summary>
internal enum SubscriptionState
{
    /// <summary>The engine is setting it up; live publications are buffered.</summary>
    Subscribing,

    /// <summary>Set up: live publications are delivered.</summary>
    Subscribed,

    /// <summary>The engine is tearing it down; nothing is delivered.</summary>
    Unsubscribing,
}

/// <summary>A subscribe waiting for an unsubscribe of the same channel to finish.</summary>
internal sealed record PendingSubscribe(string? ReplyId, StreamPosition? Since);
