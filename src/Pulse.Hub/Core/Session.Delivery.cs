using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

internal sealed partial class Session
{
    /// <summary>A publication arrived on a channel this session is subscribed to (or subscribing to).</summary>
    public void Deliver(string channel, string epoch, Publication publication, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(epoch);
        ArgumentNullException.ThrowIfNull(publication);
        if (IsInert || CloseIfTokenExpired(nowMs))
        {
            return;
        }

        switch (_subscriptions.Offer(channel, epoch, publication))
        {
            case Offer.Deliver:
                DeliverNow(channel, epoch, publication, nowMs);
                break;
            case Offer.BufferOverflow:
                // DESIGN: limits abused close the connection with a code that says why; the client reconnects and recovers.
                RequestClose(CloseCode.TryAgainLater, "recovery buffer overflow");
                break;
        }
    }

    /// <summary>
    /// <see cref="Deliver"/>'s common case without an effect: the session is subscribed, the publication is the
    /// next one and needs no ack. Then the session records it as delivered and returns true, and the caller sends
    /// the shared <c>message</c> frame itself (a fan-out allocates nothing per recipient). Otherwise nothing
    /// changed and it returns false: call <see cref="Deliver"/>, which handles every case.
    /// </summary>
    internal bool TryDeliverLive(string channel, string epoch, Publication publication, long nowMs) =>
        !publication.AckRequired
        && !IsInert
        && !(_identity?.ExpiresAtMs is { } expiresAtMs && nowMs >= expiresAtMs)
        && _subscriptions.TryAcceptLive(channel, epoch, publication);

    /// <summary>A client joined or left a channel this session is subscribed to.</summary>
    public void DeliverJoinLeave(string channel, bool join, ClientInfo info, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (IsInert || CloseIfTokenExpired(nowMs))
        {
            return;
        }

        // Only once the subscribe reply went out, so the client never hears of a channel before it is in it.
        if (_subscriptions.Find(channel) is { State: SubscriptionState.Subscribed, Policy.JoinLeave: true })
        {
            Send(new JoinLeaveEnvelope(join, channel, info));
        }
    }

    private void DeliverNow(string channel, string epoch, Publication publication, long nowMs)
    {
        var delivery = new SendPublication(channel, epoch, publication);
        _effects.Add(delivery);
        if (publication.AckRequired)
        {
            TrackAck(delivery, nowMs);
        }
    }
}
