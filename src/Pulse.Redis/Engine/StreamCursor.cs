namespace Pulse.Redis.Engine;

/// <summary>
/// The last position of a channel delivered on this node. Changed only on its channel's message sequence (one
/// Pub/Sub message or one catch-up at a time: see <see cref="RedisEngine"/>), under its own lock.
/// </summary>
internal sealed class StreamCursor(string epoch, long offset)
{
    public string Epoch { get; set; } = epoch;

    public long Offset { get; set; } = offset;

    /// <summary>Serialises deliveries of this channel: a Pub/Sub message against a catch-up after reconnecting.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);
}
