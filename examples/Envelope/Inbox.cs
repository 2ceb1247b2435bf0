namespace Examples.Envelope;

/// <summary>
/// The client's rules for what arrives, without I/O: acknowledge every message that asks for it, duplicates
/// included (the first ack may have been lost), and deliver each message id once. It remembers the last
/// <paramref name="memory"/> ids, which must outlast the server's retries.
/// </summary>
public sealed class Inbox(int memory = 1000)
{
    private readonly HashSet<string> _seen = [];
    private readonly Queue<string> _order = new();

    /// <summary>What to do with a frame: the envelope to hand to the application (null for a duplicate or garbage) and the ack to send (or null).</summary>
    public (Envelope? Deliver, string? Ack) Receive(string text, long unixTimeMs)
    {
        if (!Envelope.TryParse(text, out var envelope, out _))
        {
            return (null, null);
        }

        if (!envelope.AckRequired || envelope.Id is not { } id)
        {
            return (envelope, null);
        }

        var ack = new Envelope("ack", id, unixTimeMs).ToJson();
        if (!_seen.Add(id))
        {
            return (null, ack);
        }

        _order.Enqueue(id);
        if (_order.Count > memory)
        {
            _seen.Remove(_order.Dequeue());
        }

        return (envelope, ack);
    }
}
