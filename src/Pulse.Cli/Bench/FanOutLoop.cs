namespace Pulse.Cli.Bench;

/// <summary>
/// One connection of <c>pulse bench broadcast</c> or <c>hub</c>, subscriber or publisher: a subscriber counts
/// deliveries (with their latency) into the run's <see cref="FanOutStats"/>; both note a subscription's reply and
/// any error. A publisher counts nothing it receives: a relay sends it the other publishers' messages.
/// </summary>
internal sealed class FanOutLoop(BenchConnection connection, FanOutProtocol protocol, FanOutStats stats, bool subscriber) : SharedSendLoop(connection, protocol.PrefixLength)
{
    private volatile bool _subscribed;

    /// <summary>Whether the server confirmed the subscription (always true when the protocol confirms nothing).</summary>
    public bool Subscribed => _subscribed || (protocol.SubscribeFrame is null && protocol.ProbeFrame is null);

    protected override void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt)
    {
        if (protocol.TryReadDelivery(prefix, out var sentAt))
        {
            if (subscriber)
            {
                stats.Deliver(sentAt, receivedAt);
            }
        }
        else if (protocol.IsSubscribeReply(prefix))
        {
            _subscribed = true;
        }
        else if (protocol.IsError(prefix))
        {
            stats.Refused();
        }
    }
}
