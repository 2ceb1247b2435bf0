using Pulse.Hub.Protocol;

namespace Pulse.Hub.Core;

internal sealed partial class Session
{
    /// <summary>How many delivered messages wait for the client's <c>ack</c>.</summary>
    internal int PendingAcks => _acks.Count;

    // DESIGN: resent with the same id (epoch:offset) and backoff until the client's ack, a bounded number of times.
    private void TrackAck(SendPublication delivery, long nowMs) =>
        _acks.Track(MessageId.Of(delivery.Epoch, delivery.Publication.Offset), delivery, nowMs);

    // An ack for nothing pending is a duplicate or came too late: both are normal, neither is an error.
    private void OnAck(string messageId) => _acks.Ack(messageId);

    /// <summary>How many deliveries were sent again for want of an ack, since the session began.</summary>
    internal long AckResends { get; private set; }

    // The same SendPublication again (so the same id), or ReportUndeliverable after the last attempt.
    private void ResendUnacknowledged(long nowMs)
    {
        var before = _effects.Count;
        _acks.Due(nowMs, _effects);
        for (var i = before; i < _effects.Count; i++)
        {
            if (_effects[i] is SendPublication)
            {
                AckResends++;
            }
        }
    }
}
