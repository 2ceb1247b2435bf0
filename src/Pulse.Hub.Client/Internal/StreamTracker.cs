using Pulse.Hub.Protocol;

namespace Pulse.Hub.Client.Internal;

/// <summary>
/// Where one subscription is in its channel's stream, and whether a delivery is new or a duplicate. Memory is
/// bounded: one position, not a set of ids. DESIGN §2: offsets in an epoch only grow, so anything at or before
/// the last delivered offset of the same epoch was delivered already (a resend of an unacknowledged message,
/// or a publication both recovered and sent live).
/// </summary>
/// <remarks>Pure and single-threaded: the caller serializes calls.</remarks>
internal sealed class StreamTracker(StreamPosition? since = null)
{
    /// <summary>The last position delivered (or announced by a subscribe reply); null before the first reply.</summary>
    public StreamPosition? Position { get; private set; } = since;

    /// <summary>
    /// Whether a live <c>message</c> is new. A new one moves the position; one in another epoch is new too (the
    /// stream started over). Offset 0 belongs to no stream (the hub's direct messages): new, and the position stays.
    /// </summary>
    public bool Accept(string epoch, long offset)
    {
        if (offset == 0)
        {
            return true;
        }

        if (Position is { } last && last.Epoch == epoch && offset <= last.Offset)
        {
            return false;
        }

        Position = new StreamPosition(epoch, offset);
        return true;
    }

    /// <summary>
    /// Applies a <c>subscribe</c> reply: adds to <paramref name="deliver"/> the recovered publications not
    /// delivered before, in order, and moves to the reply's position, where live messages continue. Returns
    /// true when the reply says <c>recovered: false</c>: something may have been missed.
    /// </summary>
    public bool ApplySubscribeReply(SubscribeReply reply, List<Publication> deliver)
    {
        if (reply.Recovered == true)
        {
            foreach (var publication in reply.Publications)
            {
                if (Accept(reply.Position.Epoch, publication.Offset))
                {
                    deliver.Add(publication);
                }
            }
        }

        Position = reply.Position;
        return reply.Recovered == false;
    }
}
