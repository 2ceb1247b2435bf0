using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

public sealed partial class Session
{
    /// <summary>How many delivered messages wait for the client's <c>ack</c>.</summary>
    internal int PendingAcks => _acks.Count;

    // DESIGN: resent with the same id (epoch:offset) and backoff until the client's ack, a bounded number of times.
    private void TrackAck(SendPublication delivery, long nowMs) =>
        _acks.Track(MessageId.Of(delivery.Epoch, delivery.Publication.Offset), delivery, nowMs);

    // An ack for nothing pending is a duplicate or came too late: both are normal, neither is an error.
    private void OnAck(string messageId) => _acks.Ack(messageId);

    // The same SendPublication again (so the same id), or ReportUndeliverable after the last attempt.
    private void ResendUnacknowledged(long nowMs) => _acks.Due(nowMs, _effects);
}
