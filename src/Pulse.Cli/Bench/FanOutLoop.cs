namespace Pulse.Cli.Bench;

/// <summary>
/// One connection of <c>pulse bench broadcast</c> or <c>hub</c>, subscriber or publisher: it counts deliveries
/// (with their latency) into the run's <see cref="FanOutStats"/>, notes its subscription's reply and any error.
/// </summary>
internal sealed class FanOutLoop(BenchConnection connection, FanOutProtocol protocol, FanOutStats stats) : SharedSendLoop(connection, protocol.PrefixLength)
{
    private volatile bool _subscribed;

    /// <summary>Whether the server confirmed the subscription (always true when the protocol has none).</summary>
    public bool Subscribed => _subscribed || protocol.SubscribeFrame is null;

    protected override void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt)
    {
        if (protocol.TryReadDelivery(prefix, out var sentAt))
        {
            stats.Deliver(sentAt, receivedAt);
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
