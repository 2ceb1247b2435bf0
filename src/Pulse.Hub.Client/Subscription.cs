using System.Threading.Channels;
using Pulse.Hub.Client.Internal;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client;

/// <summary>
/// A subscription to one channel, made by <see cref="HubClient.SubscribeAsync"/>: its messages go through the
/// handler, once each and in order, across reconnections. Dispose it to unsubscribe.
/// </summary>
/// <remarks>
/// <para>
/// Concurrency: the handler and the callbacks of <see cref="SubscribeOptions"/> run one at a time, in the order
/// the hub sent what they deliver, on the thread pool and never on the client's receive loop. Different
/// subscriptions run their handlers concurrently. A slow handler delays only its own subscription; what waits
/// for it is queued in memory.
/// </para>
/// <para>
/// After a reconnection the subscription is restored with <c>since</c> set to <see cref="Position"/>: the
/// publications it missed come through the handler first (<see cref="HubMessage.IsRecovered"/>), then live ones.
/// When the hub cannot recover them, <see cref="SubscribeOptions.OnRecoveryFailed"/> runs first.
/// </para>
/// <para>
/// A message published with <c>ack_required</c> is acknowledged when the handler returns without throwing. A
/// handler that throws is logged; its message is not acknowledged, and its resends are dropped as duplicates,
/// so the hub ends up reporting it undeliverable.
/// </para>
/// </remarks>
public sealed class Subscription : IAsyncDisposable
{
    private static readonly AsyncLocal<Subscription?> s_running = new();

    private readonly HubClient _client;
    private readonly Func<HubMessage, ValueTask> _handler;
    private readonly SubscribeOptions _options;
    private readonly Lock _lock = new();
    private readonly StreamTracker _tracker;
    private readonly Channel<Delivery> _queue = System.Threading.Channels.Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    private Task _pump = Task.CompletedTask;
    private volatile bool _discarding;
    private int _duplicatesDropped;

    internal Subscription(HubClient client, string channel, Func<HubMessage, ValueTask> handler, SubscribeOptions options)
    {
        _client = client;
        Channel = channel;
        _handler = handler;
        _options = options;
        _tracker = new StreamTracker(options.Since);
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    /// <summary>
    /// The last position seen: the epoch and offset of the last message handed to the handler's queue, or of the
    /// latest subscribe reply. Null before the first reply. Save it to resume later with <see cref="SubscribeOptions.Since"/>.
    /// </summary>
    public StreamPosition? Position
    {
        get
        {
            lock (_lock)
            {
                return _tracker.Position;
            }
        }
    }

    /// <summary>Completes when the first subscribe is answered; fails with its error, timeout or the client's end.</summary>
    internal TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The generation of the connection the last <c>subscribe</c> was sent on. Guarded by the client's lock.</summary>
    internal long SubscribedOn { get; set; }

    /// <summary>Unsubscribed, refused or closed with the client: nothing more is queued. Guarded by the client's lock.</summary>
    internal bool IsEnded { get; set; }

    /// <summary>Deliveries dropped because they had been delivered already (resends, overlaps).</summary>
    internal int DuplicatesDropped => Volatile.Read(ref _duplicatesDropped);

    /// <summary>
    /// Unsubscribes: nothing is delivered once this returns (messages queued and not yet handled are dropped),
    /// and the hub is told when the connection is up. Safe to call from the handler itself.
    /// </summary>
    public ValueTask DisposeAsync() => _client.UnsubscribeAsync(this);

    internal void StartPump() => _pump = Task.Run(PumpAsync);

    /// <summary>The receive loop has a live <c>message</c>: queued unless it is a duplicate.</summary>
    internal void OfferLive(HubLink link, MessageEnvelope message, System.Text.Json.JsonSerializerOptions jsonOptions)
    {
        StreamPosition? before;
        lock (_lock)
        {
            before = _tracker.Position;
            if (!_tracker.Accept(message.Epoch, message.Publication.Offset))
            {
                _duplicatesDropped++;
                return;
            }
        }

        // A live message from a new epoch: the channel's stream started over under a live connection (a Redis
        // engine that lost its data), so what came between may be lost; say so as a failed recovery would.
        if (message.Publication.Offset > 0 && before is { Epoch.Length: > 0 } last && last.Epoch != message.Epoch)
        {
            _queue.Writer.TryWrite(new RecoveryFailedDelivery(new RecoveryFailedContext(Channel, last, new StreamPosition(message.Epoch, message.Publication.Offset - 1))));
        }

        var ackOn = message.Publication.AckRequired ? link : null;
        _queue.Writer.TryWrite(new MessageDelivery(new HubMessage(Channel, message.Epoch, message.Publication, isRecovered: false, jsonOptions), ackOn));
    }

    /// <summary>The receive loop has this subscription's <c>subscribe</c> reply: queue what it recovered.</summary>
    internal void ApplySubscribeReply(SubscribeReply reply, System.Text.Json.JsonSerializerOptions jsonOptions)
    {
        var recovered = new List<Publication>();
        StreamPosition? before;
        bool recoveryFailed;
        lock (_lock)
        {
            before = _tracker.Position;
            recoveryFailed = _tracker.ApplySubscribeReply(reply, recovered);
        }

        if (recoveryFailed)
        {
            _queue.Writer.TryWrite(new RecoveryFailedDelivery(new RecoveryFailedContext(Channel, before, reply.Position)));
        }

        foreach (var publication in recovered)
        {
            _queue.Writer.TryWrite(new MessageDelivery(new HubMessage(Channel, reply.Position.Epoch, publication, isRecovered: true, jsonOptions), AckOn: null));
        }

        Ready.TrySetResult();
    }

    internal void OfferJoinLeave(bool join, ClientInfo info) => _queue.Writer.TryWrite(new JoinLeaveDelivery(join, info));

    /// <summary>The hub refused a resubscription for good: tell the application, after what is queued.</summary>
    internal void Fail(HubErrorException error)
    {
        _queue.Writer.TryWrite(new FailedDelivery(error));
        _queue.Writer.TryComplete();
    }

    /// <summary>
    /// Stops delivering: with <paramref name="discardQueued"/>, what is queued and not started is dropped. Waits
    /// for a handler that is running, unless called from that handler.
    /// </summary>
    internal async Task StopAsync(bool discardQueued)
    {
        if (discardQueued)
        {
            _discarding = true;
        }

        _queue.Writer.TryComplete();
        if (s_running.Value != this)
        {
            await _pump.ConfigureAwait(false);
        }
    }

    private async Task PumpAsync()
    {
        s_running.Value = this;
        await foreach (var delivery in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_discarding)
            {
                return;
            }

            try
            {
                await DeliverAsync(delivery).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _client.ReportHandlerFailure(Channel, e);
            }
        }
    }

    private async ValueTask DeliverAsync(Delivery delivery)
    {
        switch (delivery)
        {
            case MessageDelivery message:
                await _handler(message.Message).ConfigureAwait(false);
                if (message.AckOn is { } link)
                {
                    // DESIGN: acknowledged once handled; an ack the hub no longer waits for is ignored there.
                    _client.SendAck(link, message.Message.Id);
                }

                break;
            case RecoveryFailedDelivery failed when _options.OnRecoveryFailed is { } onRecoveryFailed:
                await onRecoveryFailed(failed.Context).ConfigureAwait(false);
                break;
            case JoinLeaveDelivery { Join: true } join when _options.OnJoin is { } onJoin:
                await onJoin(join.Info).ConfigureAwait(false);
                break;
            case JoinLeaveDelivery { Join: false } leave when _options.OnLeave is { } onLeave:
                await onLeave(leave.Info).ConfigureAwait(false);
                break;
            case FailedDelivery failed when _options.OnFailed is { } onFailed:
                await onFailed(failed.Error).ConfigureAwait(false);
                break;
        }
    }

    private abstract record Delivery;

    /// <summary>A message for the handler; <c>AckOn</c> is the link to acknowledge it on, when it asked for that.</summary>
    private sealed record MessageDelivery(HubMessage Message, HubLink? AckOn) : Delivery;

    private sealed record RecoveryFailedDelivery(RecoveryFailedContext Context) : Delivery;

    private sealed record JoinLeaveDelivery(bool Join, ClientInfo Info) : Delivery;

    private sealed record FailedDelivery(HubErrorException Error) : Delivery;
}
