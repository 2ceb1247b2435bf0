using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

/// <summary>
/// A session's subscriptions, each with its place in its channel's stream (DESIGN §2: after the subscribe
/// reply, live messages follow with no gap and no duplicate). While a subscription is being set up, live
/// publications are buffered (up to a bound); once the reply's position is known, the buffered ones after it
/// are delivered, and from then on a publication is delivered only if its offset is past the last one
/// delivered. A publication from another epoch (the stream started over) is delivered and moves the
/// subscription to that epoch, which tells the client.
/// </summary>
/// <remarks>Pure; not thread-safe.</remarks>
internal sealed class Subscriptions
{
    private readonly Dictionary<string, Subscription> _byChannel = new(StringComparer.Ordinal);
    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);
    private readonly int _bufferLimit;

    // The subscription TryAcceptLive found last, by the channel string's reference: a fan-out passes the node's one
    // instance of a channel's name for every publication, so the steady state skips hashing and the dictionary.
    private string? _liveChannel;
    private Subscription? _liveSubscription;

    public Subscriptions(int bufferLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bufferLimit);
        _bufferLimit = bufferLimit;
    }

    /// <summary>The channels subscribed or being subscribed to (not those being left).</summary>
    public IReadOnlyCollection<string> Channels => _channels;

    /// <summary>Every subscription, including those being left.</summary>
    public IEnumerable<Subscription> All => _byChannel.Values;

    /// <summary>How many subscriptions count against the per-connection limit: all but those being left for good.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var subscription in _byChannel.Values)
            {
                if (subscription.State != SubscriptionState.Unsubscribing || subscription.Resubscribe is not null)
                {
                    count++;
                }
            }

            return count;
        }
    }

    public Subscription? Find(string channel) => _byChannel.GetValueOrDefault(channel);

    /// <summary>Starts a subscription whose engine call <paramref name="requestNumber"/> is in flight.</summary>
    public Subscription BeginSubscribe(string channel, ChannelPolicy policy, long requestNumber, string? replyId, StreamPosition? since)
    {
        var subscription = new Subscription(channel, policy)
        {
            State = SubscriptionState.Subscribing,
            RequestNumber = requestNumber,
            ReplyId = replyId,
            Since = since,
        };
        _byChannel.Add(channel, subscription);
        _channels.Add(channel);
        ForgetLive();
        return subscription;
    }

    /// <summary>
    /// The subscription is set up at <paramref name="position"/> (what the reply told the client). Adds the
    /// buffered publications that come after it, in order and without duplicates, to <paramref name="deliverNow"/>.
    /// </summary>
    public static void CompleteSubscribe(Subscription subscription, StreamPosition position, List<(string Epoch, Publication Publication)> deliverNow)
    {
        subscription.State = SubscriptionState.Subscribed;
        subscription.MoveTo(position);
        var buffer = subscription.Buffer;
        subscription.Buffer = null;
        foreach (var (epoch, publication) in buffer ?? [])
        {
            if (Accept(subscription, epoch, publication))
            {
                deliverNow.Add((epoch, publication));
            }
        }
    }

    /// <summary>The subscription is being left: nothing more is delivered on it.</summary>
    public void BeginUnsubscribe(Subscription subscription, long requestNumber)
    {
        subscription.State = SubscriptionState.Unsubscribing;
        subscription.RequestNumber = requestNumber;
        subscription.Buffer = null;
        _channels.Remove(subscription.Channel);
    }

    public bool Remove(string channel)
    {
        ForgetLive();
        _channels.Remove(channel);
        return _byChannel.Remove(channel);
    }

    public void Clear()
    {
        ForgetLive();
        _byChannel.Clear();
        _channels.Clear();
    }

    /// <summary>What to do with a live publication that arrived on <paramref name="channel"/>.</summary>
    public Offer Offer(string channel, string epoch, Publication publication)
    {
        if (!_byChannel.TryGetValue(channel, out var subscription))
        {
            return Core.Offer.NotSubscribed;
        }

        switch (subscription.State)
        {
            case SubscriptionState.Subscribed:
                return Accept(subscription, epoch, publication) ? Core.Offer.Deliver : Core.Offer.Duplicate;

            case SubscriptionState.Subscribing when subscription.UnsubscribeId is null:
                var buffer = subscription.Buffer ??= [];
                if (buffer.Count >= _bufferLimit)
                {
                    return Core.Offer.BufferOverflow;
                }

                buffer.Add((epoch, publication));
                return Core.Offer.Buffered;

            default:
                return Core.Offer.NotSubscribed;
        }
    }

    /// <summary>
    /// A live publication on a channel set up for it, and not a duplicate: recorded as delivered (true).
    /// False, with nothing changed, for every other case, which <see cref="Offer"/> then decides.
    /// </summary>
    public bool TryAcceptLive(string channel, string epoch, Publication publication)
    {
        var subscription = _liveSubscription;
        if (!ReferenceEquals(channel, _liveChannel))
        {
            if (!_byChannel.TryGetValue(channel, out subscription))
            {
                return false;
            }

            (_liveChannel, _liveSubscription) = (channel, subscription);
        }

        return subscription is { State: SubscriptionState.Subscribed } && Accept(subscription, epoch, publication);
    }

    private void ForgetLive() => (_liveChannel, _liveSubscription) = (null, null);

    private static bool Accept(Subscription subscription, string epoch, Publication publication)
    {
        if (string.Equals(epoch, subscription.Epoch, StringComparison.Ordinal) && publication.Offset <= subscription.LastOffset)
        {
            return false;
        }

        subscription.MoveTo(new StreamPosition(epoch, publication.Offset));
        return true;
    }
}

/// <summary>What <see cref="Subscriptions.Offer"/> decided.</summary>
internal enum Offer
{
    /// <summary>Send it now.</summary>
    Deliver,

    /// <summary>Kept until the subscription is set up.</summary>
    Buffered,

    /// <summary>Already delivered (or covered by the subscribe reply): dropped.</summary>
    Duplicate,

    /// <summary>No subscription wants it (none, or being left): dropped.</summary>
    NotSubscribed,

    /// <summary>Too many publications arrived while the subscription was being set up: the session must close.</summary>
    BufferOverflow,
}
