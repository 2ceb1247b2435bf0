using System.Diagnostics;
using Pulse.Hub.Client.Internal;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

public sealed partial class HubClient
{
    /// <summary>
    /// Opens one connection up to the point where requests may go out: the WebSocket with the codec's subprotocol,
    /// the hub's <c>welcome</c>, and with a token the <c>connect</c> reply.
    /// </summary>
    private async Task<HubLink> OpenAsync(long generation, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var token = _options.TokenProvider is { } provider ? await provider(deadline.Token).ConfigureAwait(false) : _options.Token;
        var socket = await WebSocketClient.ConnectAsync(Uri, _options.WebSocket, deadline.Token).ConfigureAwait(false);
        try
        {
            if (socket.Subprotocol != _codec.Subprotocol)
            {
                throw new InvalidHandshakeException($"the server at {Uri} does not speak {_codec.Subprotocol} (it chose {socket.Subprotocol ?? "no subprotocol"})");
            }

            deadline.CancelAfter(_options.RequestTimeout);
            var welcome = (WelcomeEnvelope)await ReceiveUntilAsync(socket, static (envelope, _) => envelope is WelcomeEnvelope, "", deadline.Token).ConfigureAwait(false);
            var user = "";
            if (!string.IsNullOrEmpty(token))
            {
                // Our request ids are c1, c2…: this one cannot meet them.
                var id = $"connect-{generation}";
                deadline.CancelAfter(_options.RequestTimeout);
                await socket.SendAsync(_codec.MessageType, Encode(new Envelope { Type = EnvelopeType.Connect, Id = id, Token = token }), deadline.Token).ConfigureAwait(false);
                var answer = await ReceiveUntilAsync(socket, static (envelope, id) => envelope is ReplyEnvelope reply && reply.Id == id || envelope is ErrorEnvelope error && error.Id == id, id, deadline.Token).ConfigureAwait(false);
                if (answer is ErrorEnvelope refused)
                {
                    throw new HubErrorException(refused.Code, refused.Message);
                }

                user = ((ReceivedReply)((ReplyEnvelope)answer).Payload).ToConnectReply().User;
            }

            return new HubLink(socket, generation, welcome.Client, user, welcome.HeartbeatSeconds, _disposing.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && !_disposing.IsCancellationRequested)
        {
            _ = HubLink.CloseQuietlyAsync(socket, CloseCode.NormalClosure, "");
            throw new TimeoutException($"the hub at {Uri} did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s", e);
        }
        catch
        {
            // Not awaited: a hub that stopped answering would hold the caller for the whole close timeout.
            _ = HubLink.CloseQuietlyAsync(socket, CloseCode.NormalClosure, "");
            throw;
        }
    }

    /// <summary>Reads envelopes until one matches; during the handshake nothing else is expected, so others are skipped.</summary>
    private async Task<ServerEnvelope> ReceiveUntilAsync(WebSocketConnection socket, Func<ServerEnvelope, string, bool> match, string state, CancellationToken cancellationToken)
    {
        var results = new List<ServerEnvelopeReadResult>();
        while (true)
        {
            var message = await socket.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            Read(message, results);
            foreach (var (envelope, _) in results)
            {
                if (envelope is not null && match(envelope, state))
                {
                    return envelope;
                }
            }
        }
    }

    private void Start(HubLink link)
    {
        lock (_lock)
        {
            _current = link;
            _last = link;
            _generation = link.Generation;
            _state = HubClientState.Connected;
        }

        _ = HeartbeatAsync(link);
        _run = RunAsync(link);
    }

    /// <summary>The client's one loop: read a connection until it drops, then reconnect, until disposed or closed for good.</summary>
    private async Task RunAsync(HubLink link)
    {
        try
        {
            await RunLinksAsync(link).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A bug, not a network failure: end the client rather than leave requests waiting on a dead loop.
            Log.ClosedForGood(_logger, Uri, e.Message);
            await CloseForGoodAsync(e).ConfigureAwait(false);
        }
    }

    private async Task RunLinksAsync(HubLink? link)
    {
        while (link is not null)
        {
            await ReadAsync(link).ConfigureAwait(false);
            var status = link.CloseStatus;
            var ended = new List<PendingRequest>();
            bool reconnect;
            lock (_lock)
            {
                _current = null;
                reconnect = !_disposed && (link.GivenUp || ReconnectPolicy.ShouldReconnect(link.Socket.CloseReceived));
                if (reconnect)
                {
                    _state = HubClientState.Reconnecting;
                    _pending.TakeEndedByDisconnect(ended);
                }
                else
                {
                    // Closed before the event is raised, so its handlers see the client as it now is.
                    _state = HubClientState.Closed;
                    _closedBy ??= _disposed
                        ? new ObjectDisposedException(nameof(HubClient))
                        : ConnectionClosedException.Create(link.Socket.CloseReceived, link.Socket.CloseSent, null);
                }
            }

            link.Stop();
            EndWithConnection(ended);
            Log.Disconnected(_logger, Uri, link.ClientId, status.ToString(), reconnect);
            Raise(Disconnected, new HubDisconnectedEventArgs(status, reconnect));
            var dropped = link;
            link = null;
            if (reconnect)
            {
                link = await ReconnectAsync(dropped).ConfigureAwait(false);
            }
            else if (!_disposed)
            {
                Log.ClosedForGood(_logger, Uri, _closedBy!.Message);
                await CloseForGoodAsync(_closedBy).ConfigureAwait(false);
            }

            dropped.Dispose();
        }
    }

    /// <summary>Waits with backoff and connects again until it works; null when disposed or refused for good.</summary>
    private async Task<HubLink?> ReconnectAsync(HubLink dropped)
    {
        if (Stopwatch.GetElapsedTime(dropped.OpenedAt) >= _options.WebSocket.ReconnectResetAfter)
        {
            _backoff.Reset();
        }

        Exception? lastError = null;
        for (var attempt = 1; ; attempt++)
        {
            var delay = _backoff.Next();
            Log.Reconnecting(_logger, Uri, attempt, delay.TotalSeconds);
            Raise(Reconnecting, new HubReconnectingEventArgs(attempt, delay, lastError));
            try
            {
                await Task.Delay(delay, _disposing.Token).ConfigureAwait(false);
                long generation;
                lock (_lock)
                {
                    generation = ++_generation;
                }

                var link = await OpenAsync(generation, CancellationToken.None).ConfigureAwait(false);
                if (Resume(link))
                {
                    return link;
                }

                link.Dispose();
                return null;
            }
            catch (Exception) when (_disposing.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e) when (IsRetryable(e))
            {
                Log.ReconnectFailed(_logger, Uri, attempt, e.Message);
                lastError = e;
            }
            catch (Exception e)
            {
                Log.ClosedForGood(_logger, Uri, e.Message);
                await CloseForGoodAsync(e).ConfigureAwait(false);
                Raise(Disconnected, new HubDisconnectedEventArgs(dropped.CloseStatus, willReconnect: false, e));
                return null;
            }
        }
    }

    /// <summary>
    /// Failures worth another attempt: an unreachable hub, a server error, a timeout, a connection that closed
    /// mid-handshake, a failing token provider, a temporary hub error. A server that refuses the upgrade or does
    /// not speak pulse.v1, or a refused token, will refuse again.
    /// </summary>
    private static bool IsRetryable(Exception e) => e switch
    {
        HubErrorException error => error.IsTemporary,
        InvalidStatusException status => status.StatusCode is 429 or 500 or 502 or 503 or 504,
        InvalidHandshakeException or ArgumentException => false,
        _ => true,
    };

    /// <summary>
    /// A new connection is up: make it current, then (in the background, while the loop reads its replies)
    /// resubscribe every subscription from its position and send the requests that were waiting, oldest first.
    /// </summary>
    private bool Resume(HubLink link)
    {
        var requests = new List<PendingRequest>();
        lock (_lock)
        {
            if (_disposed)
            {
                _ = HubLink.CloseQuietlyAsync(link.Socket, CloseCode.NormalClosure, "");
                return false;
            }

            _current = link;
            _last = link;
            _state = HubClientState.Connected;
            foreach (var subscription in _subscriptions.Values)
            {
                requests.Add(NewSubscribeLocked(subscription, link));
            }

            _pending.TakeUnsent(link.Generation, requests);
        }

        Log.Reconnected(_logger, Uri, link.ClientId, requests.Count);
        Raise(Connected, new HubConnectedEventArgs(link.ClientId, link.User, isReconnect: true));
        _ = HeartbeatAsync(link);
        _ = SendAllAsync(link, requests);
        return true;
    }

    private async Task SendAllAsync(HubLink link, List<PendingRequest> requests)
    {
        foreach (var request in requests)
        {
            await SendQuietlyAsync(link, request.Envelope).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The app-level heartbeat browsers use, at the interval of the <c>welcome</c>: a <c>ping</c> whose
    /// <c>pong</c> does not come within <see cref="HubClientOptions.HeartbeatTimeout"/> means a silent, dead link.
    /// </summary>
    private async Task HeartbeatAsync(HubLink link)
    {
        if (link.HeartbeatSeconds <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(link.HeartbeatSeconds);
        try
        {
            while (true)
            {
                await Task.Delay(interval, link.Stopping).ConfigureAwait(false);
                PendingRequest ping;
                lock (_lock)
                {
                    if (_current != link)
                    {
                        return;
                    }

                    ping = _pending.Add(RequestKind.Ping, id => Encode(new Envelope { Type = EnvelopeType.Ping, Id = id }));
                    ping.SentOn = link.Generation;
                }

                await SendQuietlyAsync(link, ping.Envelope).ConfigureAwait(false);
                try
                {
                    await ping.Reply.Task.WaitAsync(_options.HeartbeatTimeout, link.Stopping).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    lock (_lock)
                    {
                        _pending.Remove(ping);
                    }

                    Log.HeartbeatTimeout(_logger, Uri, link.ClientId, _options.HeartbeatTimeout.TotalSeconds);
                    link.GiveUp(CloseCode.InternalError, "heartbeat timeout");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The link ended or the client was disposed.
        }
    }

    /// <summary>Requests that end with their connection: an unsubscribe is done; a ping fails; a subscribe is redone by its subscription.</summary>
    private static void EndWithConnection(List<PendingRequest> ended)
    {
        foreach (var request in ended)
        {
            if (request.Kind == RequestKind.Unsubscribe)
            {
                request.Reply.TrySetResult(ReceivedReply.Empty);
            }
            else
            {
                request.Reply.TrySetCanceled();
            }
        }
    }

    /// <summary>The client's end: waiting requests fail with <paramref name="reason"/>, subscriptions stop.</summary>
    private async Task CloseForGoodAsync(Exception reason)
    {
        var requests = new List<PendingRequest>();
        List<Subscription> subscriptions;
        bool discard;
        lock (_lock)
        {
            _state = HubClientState.Closed;
            _closedBy ??= reason;
            _current = null;
            discard = _disposed;
            _pending.TakeAll(requests);
            subscriptions = [.. _subscriptions.Values];
            _subscriptions.Clear();
            foreach (var subscription in subscriptions)
            {
                subscription.IsEnded = true;
            }
        }

        foreach (var request in requests)
        {
            switch (request.Kind)
            {
                case RequestKind.Unsubscribe:
                    request.Reply.TrySetResult(ReceivedReply.Empty);
                    break;
                case RequestKind.Subscribe or RequestKind.Ping:
                    // Their callers wait on the subscription, or on the link that is gone.
                    request.Reply.TrySetCanceled();
                    break;
                default:
                    request.Reply.TrySetException(reason);
                    break;
            }
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Ready.TrySetException(reason);
            _ = subscription.Ready.Task.Exception;

            // Disposed: nothing runs after DisposeAsync. Closed by the hub: what arrived is still handled.
            await subscription.StopAsync(discardQueued: discard).ConfigureAwait(false);
        }
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
        where TArgs : EventArgs
    {
        if (handler is null)
        {
            return;
        }

        s_raisingEvent.Value = true;
        try
        {
            handler(this, args);
        }
        catch (Exception e)
        {
            // An application's event handler must not stop the client's loop.
            Log.EventHandlerFailed(_logger, typeof(TArgs).Name, e);
        }
        finally
        {
            s_raisingEvent.Value = false;
        }
    }
}
