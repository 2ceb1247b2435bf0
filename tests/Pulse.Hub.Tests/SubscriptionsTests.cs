using Pulse.Hub.Core;
using Pulse.Hub.Protocol;
using Pulse.Hub.Tests.TestKit;

namespace Pulse.Hub.Tests;

/// <summary>
/// DESIGN §2: after the subscribe reply "live <c>message</c>s follow, with no gap and no duplicate". Per-channel
/// state: buffered while subscribing, then delivered only past the last offset delivered.
/// </summary>
public sealed class SubscriptionsTests
{
    private static readonly ChannelPolicy s_policy = new();

    [Fact]
    public void Subscribing_BuffersLivePublications()
    {
        var subscriptions = new Subscriptions(bufferLimit: 10);
        subscriptions.BeginSubscribe("c", s_policy, 1, "s1", null);

        Assert.Equal(Offer.Buffered, subscriptions.Offer("c", "e1", Requests.Pub(1)));
    }

    [Fact]
    public void CompleteSubscribe_FlushesOnlyThoseAfterTheReplyPosition()
    {
        var subscriptions = new Subscriptions(10);
        var subscription = subscriptions.BeginSubscribe("c", s_policy, 1, "s1", null);
        foreach (var offset in new long[] { 4, 5, 6, 7 })
        {
            subscriptions.Offer("c", "e1", Requests.Pub(offset));
        }

        var flushed = new List<(string, Publication)>();
        Subscriptions.CompleteSubscribe(subscription, new StreamPosition("e1", 5), flushed);

        Assert.Equal([6L, 7L], flushed.Select(entry => entry.Item2.Offset));
        Assert.Equal((SubscriptionState.Subscribed, "e1", 7L), (subscription.State, subscription.Epoch, subscription.LastOffset));
    }

    [Fact]
    public void CompleteSubscribe_BufferedDuplicates_FlushedOnce()
    {
        var subscriptions = new Subscriptions(10);
        var subscription = subscriptions.BeginSubscribe("c", s_policy, 1, "s1", null);
        foreach (var offset in new long[] { 6, 6, 7, 6, 7 })
        {
            subscriptions.Offer("c", "e1", Requests.Pub(offset));
        }

        var flushed = new List<(string, Publication)>();
        Subscriptions.CompleteSubscribe(subscription, new StreamPosition("e1", 5), flushed);

        Assert.Equal([6L, 7L], flushed.Select(entry => entry.Item2.Offset));
    }

    [Fact]
    public void Buffer_Overflow()
    {
        var subscriptions = new Subscriptions(bufferLimit: 2);
        subscriptions.BeginSubscribe("c", s_policy, 1, "s1", null);
        subscriptions.Offer("c", "e1", Requests.Pub(1));
        subscriptions.Offer("c", "e1", Requests.Pub(2));

        Assert.Equal(Offer.BufferOverflow, subscriptions.Offer("c", "e1", Requests.Pub(3)));
    }

    [Fact]
    public void Subscribed_DeliversOnlyPastTheLastOffset()
    {
        var subscriptions = Subscribed(at: 5);

        Assert.Equal(
            [Offer.Duplicate, Offer.Duplicate, Offer.Deliver, Offer.Duplicate, Offer.Deliver],
            new long[] { 4, 5, 6, 6, 8 }.Select(offset => subscriptions.Offer("c", "e1", Requests.Pub(offset))));
    }

    [Fact]
    public void Subscribed_OtherEpoch_DeliveredAndAdopted()
    {
        var subscriptions = Subscribed(at: 5);

        Assert.Equal(Offer.Deliver, subscriptions.Offer("c", "e2", Requests.Pub(1)));
        Assert.Equal(Offer.Duplicate, subscriptions.Offer("c", "e2", Requests.Pub(1)));
        Assert.Equal(("e2", 1L), (subscriptions.Find("c")!.Epoch, subscriptions.Find("c")!.LastOffset));
    }

    [Fact]
    public void NotSubscribedOrLeaving_Dropped()
    {
        var subscriptions = Subscribed(at: 0);
        subscriptions.BeginUnsubscribe(subscriptions.Find("c")!, 2);

        Assert.Equal(Offer.NotSubscribed, subscriptions.Offer("c", "e1", Requests.Pub(1)));
        Assert.Equal(Offer.NotSubscribed, subscriptions.Offer("other", "e1", Requests.Pub(1)));
        Assert.Empty(subscriptions.Channels);
    }

    [Fact]
    public void Count_LeavingOnesDoNotCount_UnlessResubscribing()
    {
        var subscriptions = Subscribed(at: 0);
        subscriptions.BeginSubscribe("d", s_policy, 2, "s2", null);
        var leaving = subscriptions.Find("c")!;
        subscriptions.BeginUnsubscribe(leaving, 3);

        Assert.Equal(1, subscriptions.Count);
        leaving.Resubscribe = new PendingSubscribe("s3", null);
        Assert.Equal(2, subscriptions.Count);
    }

    private static Subscriptions Subscribed(long at)
    {
        var subscriptions = new Subscriptions(10);
        var subscription = subscriptions.BeginSubscribe("c", s_policy, 1, "s1", null);
        Subscriptions.CompleteSubscribe(subscription, new StreamPosition("e1", at), []);
        return subscriptions;
    }
}
