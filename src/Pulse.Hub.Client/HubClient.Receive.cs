using Pulse.Hub.Client.Internal;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

public sealed partial class HubClient
{
    /// <summary>Reads one connection until it ends, handing each envelope to <see cref="Dispatch"/> in order.</summary>
    private async Task ReadAsync(HubLink link)
    {
        var results = new List<ServerEnvelopeReadResult>();
        try
        {
            while (true)
            {
                var message = await link.Socket.ReceiveAsync(link.Stopping).ConfigureAwait(false);
                Read(message, results);
                foreach (var (envelope, _) in results)
                {
                    if (envelope is not null)
                    {
                        Dispatch(link, envelope);
                    }
                }
            }
        }
        catch (ConnectionClosedException)
        {
            // The link ended: the loop decides what next from its close frames.
        }
        catch (OperationCanceledException) when (link.Stopping.IsCancellationRequested)
        {
            // Given up (heartbeat) or the client was disposed.
        }
    }

    /// <summary>Replaces <paramref name="results"/> with the envelopes of one message; what cannot be read is logged and skipped.</summary>
    private void Read(Message message, List<ServerEnvelopeReadResult> results)
    {
        results.Clear();
        if (message.Type == _codec.MessageType)
        {
            _codec.ReadServer(message.Data.Span, results);
        }
        else
        {
            results.Add(new ServerEnvelopeReadResult(null, $"a {(message.IsText ? "text" : "binary")} frame, but {_codec.Subprotocol} uses {(message.IsText ? "binary" : "text")} frames"));
        }

        foreach (var (_, problem) in results)
        {
            if (problem is not null)
            {
                Log.UnreadableEnvelope(_logger, Uri, problem);
            }
        }
    }

    /// <summary>
    /// One envelope from the hub, on the receive loop: replies complete their requests, and deliveries are
    /// queued to their subscription in the order they came, which is the order handlers see them.
    /// </summary>
    private void Dispatch(HubLink link, ServerEnvelope envelope)
    {
        switch (envelope)
        {
            case MessageEnvelope message:
                if (FindSubscription(message.Channel) is { } subscription)
                {
                    subscription.OfferLive(link, message, _options.JsonSerializerOptions);
                }
                else
                {
                    // A server-side subscription or a direct message: this client has no handler for it.
                    Log.MessageWithoutSubscription(_logger, message.Channel, message.Id);
                }

                break;
            case JoinLeaveEnvelope joinLeave:
                FindSubscription(joinLeave.Channel)?.OfferJoinLeave(joinLeave.Join, joinLeave.Info);
                break;
            case ReplyEnvelope reply:
                OnReply(reply.Id, (ReceivedReply)reply.Payload);
                break;
            case ErrorEnvelope error:
                OnError(link, error);
                break;
            case PongEnvelope { Id: { } id }:
                TakePending(id)?.Reply.TrySetResult(ReceivedReply.Empty);
                break;
        }
    }

    private void OnReply(string id, ReceivedReply payload)
    {
        if (TakePending(id) is not { } request)
        {
            return; // It timed out or was cancelled meanwhile.
        }

        if (request.Kind != RequestKind.Subscribe)
        {
            request.Reply.TrySetResult(payload);
            return;
        }

        var subscription = request.Subscription!;
        lock (_lock)
        {
            if (subscription.IsEnded)
            {
                return;
            }
        }

        SubscribeReply reply;
        try
        {
            reply = payload.ToSubscribeReply();
        }
        catch (FormatException e)
        {
            Log.UnreadableEnvelope(_logger, Uri, e.Message);
            return;
        }

        subscription.ApplySubscribeReply(reply, _options.JsonSerializerOptions);
    }

    private void OnError(HubLink link, ErrorEnvelope error)
    {
        if (error.Id is not { } id || TakePending(id) is not { } request)
        {
            Log.ErrorWithoutRequest(_logger, Uri, (int)error.Code, error.Message);
            return;
        }

        var exception = new HubErrorException(error.Code, error.Message);
        if (request.Kind != RequestKind.Subscribe)
        {
            request.Reply.TrySetException(exception);
            return;
        }

        var subscription = request.Subscription!;
        var firstSubscribe = !subscription.Ready.Task.IsCompleted;
        lock (_lock)
        {
            if (subscription.IsEnded)
            {
                return;
            }

            if (firstSubscribe || !exception.IsTemporary)
            {
                subscription.IsEnded = true;
                _subscriptions.Remove(subscription.Channel);
            }
        }

        if (!firstSubscribe && exception.IsTemporary)
        {
            // The hub may take it later: a new connection resubscribes every subscription, after a backoff.
            Log.ResubscribeFailed(_logger, subscription.Channel, (int)error.Code, error.Message);
            link.GiveUp(CloseCode.TryAgainLater, "resubscribing failed");
            return;
        }

        if (firstSubscribe)
        {
            // SubscribeAsync throws it.
            subscription.Ready.TrySetException(exception);
            _ = subscription.StopAsync(discardQueued: false);
        }
        else
        {
            Log.ResubscribeFailed(_logger, subscription.Channel, (int)error.Code, error.Message);
            subscription.Fail(exception);
        }
    }

    private Subscription? FindSubscription(string channel)
    {
        lock (_lock)
        {
            return _subscriptions.GetValueOrDefault(channel);
        }
    }

    private PendingRequest? TakePending(string id)
    {
        lock (_lock)
        {
            return _pending.TryTake(id, out var request) ? request : null;
        }
    }
}
