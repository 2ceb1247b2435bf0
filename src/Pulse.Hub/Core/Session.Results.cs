using System.Diagnostics;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

internal sealed partial class Session
{
    /// <summary>An engine request finished.</summary>
    public void Complete(EngineResult result, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (IsInert || !_calls.Remove(result.Number, out var call))
        {
            // Unanswered requests (cleanup on close) and anything after the close need no answer.
            return;
        }

        switch (call.Request)
        {
            case AuthenticateRequest:
                CompleteConnect(call.ReplyId!, result, nowMs);
                break;
            case SubscribeRequest subscribe:
                CompleteSubscribe(subscribe, result, nowMs);
                break;
            case UnsubscribeRequest unsubscribe:
                CompleteUnsubscribe(unsubscribe, call.ReplyId, result, nowMs);
                break;
            case PublishRequest:
                CompletePublish(call.ReplyId!, result, nowMs);
                break;
            case PresenceRequest when result is PresenceResult presence:
                Reply(call.ReplyId, new PresenceReply(presence.Clients));
                break;
            case HistoryRequest when result is HistoryResult history:
                Reply(call.ReplyId, new HistoryReply(history.Latest, history.Publications));
                break;
            default:
                Fail(call.ReplyId, result, nowMs);
                break;
        }
    }

    private void CompleteConnect(string id, EngineResult result, long nowMs)
    {
        _connectInFlight = false;
        if (result is not AuthenticateResult { Identity: var identity })
        {
            Fail(id, result, nowMs);
            return;
        }

        if (_identity is not null && identity.User != _identity.User)
        {
            SendError(id, ErrorCode.PermissionDenied, "a connection cannot change its user", nowMs);
            return;
        }

        _identity = identity;
        _state = SessionState.Connected;
        Reply(id, new ConnectReply(ClientId, identity.User));
        CloseIfTokenExpired(nowMs);
    }

    private void CompleteSubscribe(SubscribeRequest request, EngineResult result, long nowMs)
    {
        var subscription = _subscriptions.Find(request.Channel);
        Debug.Assert(subscription?.RequestNumber == request.Number, $"Expected the subscription to {request.Channel} to wait for request {request.Number}");
        if (subscription is null)
        {
            return;
        }

        if (result is not SubscribeResult { Latest: var latest, PublicationsSince: var publications })
        {
            // The engine may have done part of the work: undo it when the connection closes.
            _subscriptions.Remove(request.Channel);
            _cleanUpOnClose.Add(request.Channel);
            Fail(subscription.ReplyId, result, nowMs);
            Reply(subscription.UnsubscribeId, EmptyReply.Instance);
            return;
        }

        if (subscription.ReplyId is { } replyId)
        {
            if (request.Since is { } since)
            {
                // DESIGN: the missed publications in the reply, or recovered: false when they cannot all be had.
                var recovered = RecoveryDecision.Decide(since, latest, publications) == RecoveryOutcome.Recovered;
                Reply(replyId, new SubscribeReply(latest, recovered, recovered ? publications : []));
            }
            else
            {
                Reply(replyId, new SubscribeReply(latest, null, []));
            }
        }

        var deliverNow = new List<(string Epoch, Publication Publication)>();
        Subscriptions.CompleteSubscribe(subscription, latest, deliverNow);
        if (subscription.UnsubscribeId is { } unsubscribeId)
        {
            BeginUnsubscribe(subscription, unsubscribeId);
            return;
        }

        foreach (var (epoch, publication) in deliverNow)
        {
            DeliverNow(request.Channel, epoch, publication, nowMs);
        }
    }

    private void CompleteUnsubscribe(UnsubscribeRequest request, string? replyId, EngineResult result, long nowMs)
    {
        var subscription = _subscriptions.Find(request.Channel);
        Debug.Assert(subscription?.RequestNumber == request.Number, $"Expected the subscription to {request.Channel} to wait for request {request.Number}");
        if (subscription is null)
        {
            return;
        }

        _subscriptions.Remove(request.Channel);
        if (result is DoneResult)
        {
            Reply(replyId, EmptyReply.Instance);
        }
        else
        {
            // Deliveries stop anyway; the engine's side is undone again when the connection closes.
            _cleanUpOnClose.Add(request.Channel);
            Fail(replyId, result, nowMs);
        }

        if (subscription.Resubscribe is { } resubscribe)
        {
            BeginSubscribe(request.Channel, _settings.ResolvePolicy(request.Channel), resubscribe.ReplyId, resubscribe.Since);
        }
    }

    private void CompletePublish(string id, EngineResult result, long nowMs)
    {
        if (result is PublishResult { Position: var position })
        {
            var reply = new PublishReply(position.Offset);
            var duplicates = _publishIds.Complete(id, reply, nowMs);
            for (var i = 0; i <= duplicates; i++)
            {
                Reply(id, reply);
            }

            return;
        }

        // Not applied: forget the id so that a retry publishes; duplicates waiting get the same error.
        var waiting = _publishIds.Fail(id);
        for (var i = 0; i <= waiting; i++)
        {
            Fail(id, result, nowMs);
        }
    }

    /// <summary>Answers a failed (or mismatched) engine result with an error envelope.</summary>
    private void Fail(string? id, EngineResult result, long nowMs)
    {
        if (result is EngineFailure failure)
        {
            SendError(id, failure.Code, failure.Message, nowMs);
            return;
        }

        // A result of the wrong kind is the adapter's bug: the client gets a 500, the connection stays.
        SendError(id, ErrorCode.Internal, $"internal error: unexpected {result.GetType().Name}", nowMs);
    }
}
