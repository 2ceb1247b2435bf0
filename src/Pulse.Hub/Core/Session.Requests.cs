using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

internal sealed partial class Session
{
    /// <summary>Server-side API: subscribe this session to <paramref name="channel"/> without a client request (no reply is sent).</summary>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is not a valid channel name.</exception>
    public void SubscribeFromServer(string channel, long nowMs)
    {
        if (!ChannelName.IsValid(channel))
        {
            throw new ArgumentException($"'{channel}' is not a valid channel name.", nameof(channel));
        }

        if (IsInert)
        {
            return;
        }

        // The server decides: no permission checks and no subscription limit. Already subscribed is fine.
        var existing = _subscriptions.Find(channel);
        if (existing is null)
        {
            BeginSubscribe(channel, _settings.ResolvePolicy(channel), replyId: null, since: null);
        }
        else if (existing.State == SubscriptionState.Unsubscribing)
        {
            existing.Resubscribe ??= new PendingSubscribe(null, null);
        }
    }

    private void OnConnect(string id, string token, long nowMs)
    {
        if (_connectInFlight)
        {
            SendError(id, ErrorCode.BadRequest, "a connect is already in progress", nowMs);
            return;
        }

        // Also allowed once connected: a fresh token extends the connection's life (same user only).
        _connectInFlight = true;
        Call(new AuthenticateRequest(NextRequestNumber(), token), id);
    }

    private void OnSubscribe(string id, string channel, StreamPosition? since, long nowMs)
    {
        var policy = _settings.ResolvePolicy(channel);
        if (!MayUse(id, channel, policy, nowMs))
        {
            return;
        }

        var existing = _subscriptions.Find(channel);
        if (existing is not null && (existing.State != SubscriptionState.Unsubscribing || existing.Resubscribe is not null))
        {
            SendError(id, ErrorCode.AlreadySubscribed, $"already subscribed to '{channel}'", nowMs);
            return;
        }

        if (_subscriptions.Count >= _settings.MaxSubscriptions)
        {
            SendError(id, ErrorCode.LimitExceeded, $"at most {_settings.MaxSubscriptions} subscriptions per connection", nowMs);
            return;
        }

        if (existing is not null)
        {
            // Leaving the same channel is still in flight: subscribe again once it is done, in that order.
            existing.Resubscribe = new PendingSubscribe(id, since);
            return;
        }

        BeginSubscribe(channel, policy, id, since);
    }

    private void BeginSubscribe(string channel, ChannelPolicy policy, string? replyId, StreamPosition? since)
    {
        var request = new SubscribeRequest(NextRequestNumber(), channel, policy, Info, since);
        _subscriptions.BeginSubscribe(channel, policy, request.Number, replyId, since);
        Call(request, replyId);
    }

    private void OnUnsubscribe(string id, string channel, long nowMs)
    {
        var subscription = _subscriptions.Find(channel);
        if (subscription is null || subscription.State == SubscriptionState.Unsubscribing || subscription.UnsubscribeId is not null)
        {
            SendError(id, ErrorCode.NotSubscribed, $"not subscribed to '{channel}'", nowMs);
            return;
        }

        if (subscription.State == SubscriptionState.Subscribing)
        {
            // Answered in order: the subscribe first, then this.
            subscription.UnsubscribeId = id;
            return;
        }

        BeginUnsubscribe(subscription, id);
    }

    private void BeginUnsubscribe(Subscription subscription, string? replyId)
    {
        var request = new UnsubscribeRequest(NextRequestNumber(), subscription.Channel, subscription.Policy, Info);
        _subscriptions.BeginUnsubscribe(subscription, request.Number);
        _acks.RemoveChannel(subscription.Channel);
        Call(request, replyId);
    }

    private void OnPublish(string id, Envelope envelope, long nowMs)
    {
        var channel = envelope.Channel!;
        var policy = _settings.ResolvePolicy(channel);
        if (!MayUse(id, channel, policy, nowMs))
        {
            return;
        }

        switch (policy.Publish)
        {
            case PublishPermission.ServerOnly:
                SendError(id, ErrorCode.PermissionDenied, $"clients may not publish to '{channel}'", nowMs);
                return;
            case PublishPermission.Subscribers when _subscriptions.Find(channel) is not { State: not SubscriptionState.Unsubscribing }:
                SendError(id, ErrorCode.PermissionDenied, $"only subscribers may publish to '{channel}'", nowMs);
                return;
        }

        if (envelope.Data.Length > _settings.MaxPublishSize)
        {
            SendError(id, ErrorCode.PayloadTooLarge, $"data is larger than {_settings.MaxPublishSize} bytes", nowMs);
            return;
        }

        // DESIGN: a publish retried with the same id is applied once and answered with the same reply.
        switch (_publishIds.Begin(id, nowMs, out var earlierReply))
        {
            case DedupStatus.Completed:
                Reply(id, earlierReply!);
                return;
            case DedupStatus.InFlight:
                return;
        }

        Call(new PublishRequest(NextRequestNumber(), channel, policy, envelope.Data, Info, envelope.AckRequired), id);
    }

    private void OnPresence(string id, string channel, long nowMs)
    {
        var policy = _settings.ResolvePolicy(channel);
        if (!MayUse(id, channel, policy, nowMs))
        {
            return;
        }

        if (!policy.Presence)
        {
            SendError(id, ErrorCode.PermissionDenied, $"presence is off for '{channel}'", nowMs);
            return;
        }

        Call(new PresenceRequest(NextRequestNumber(), channel), id);
    }

    private void OnHistory(string id, string channel, StreamPosition? since, int? limit, long nowMs)
    {
        var policy = _settings.ResolvePolicy(channel);
        if (!MayUse(id, channel, policy, nowMs))
        {
            return;
        }

        // A client may ask for fewer than the namespace keeps, never for more.
        var historySize = Math.Max(policy.HistorySize, 0);
        var cappedLimit = Math.Min(limit ?? historySize, historySize);
        Call(new HistoryRequest(NextRequestNumber(), channel, policy, since, cappedLimit), id);
    }

    /// <summary>Whether this connection may use <paramref name="channel"/> at all; answers 403 when not.</summary>
    private bool MayUse(string id, string channel, ChannelPolicy policy, long nowMs)
    {
        if (_identity is null && !policy.AllowAnonymous)
        {
            SendError(id, ErrorCode.PermissionDenied, $"anonymous clients may not use '{channel}'", nowMs);
            return false;
        }

        if (policy.Private && _identity?.Allows(channel) != true)
        {
            SendError(id, ErrorCode.PermissionDenied, $"'{channel}' is private and the token does not allow it", nowMs);
            return false;
        }

        return true;
    }
}
