using Pulse.Hub.Protocol;

namespace Pulse.Hub.Engines;

/// <summary>
/// Publish/subscribe across nodes, with each channel's history. Publishing assigns the next offset and appends
/// to the history in the same step, so every node delivers a channel's publications in offset order (that is
/// why history lives behind this interface rather than a separate store).
/// </summary>
/// <remarks>
/// Every call may cross a network (Redis): it is async, may be slow, and may fail with an exception, which the
/// hub reports to the client as a temporary error (503). Implementations are thread-safe.
/// </remarks>
public interface IBroker
{
    /// <summary>
    /// Sets who receives what arrives on the channels this node subscribed to. Called once by the hub before
    /// any other call.
    /// </summary>
    void SetHandler(IBrokerHandler handler);

    /// <summary>
    /// Publishes to every node subscribed to <paramref name="channel"/> and appends to its history (bounded by
    /// <paramref name="history"/>); returns the position the publication got. With a history size of 0 the
    /// offset still advances, so subscribers can detect gaps.
    /// </summary>
    Task<StreamPosition> PublishAsync(string channel, PublishData data, HistoryLimits history, CancellationToken cancellationToken = default);

    /// <summary>Sends a join or leave event to every node subscribed to <paramref name="channel"/>. Not kept in history.</summary>
    Task PublishJoinLeaveAsync(string channel, bool join, ClientInfo info, CancellationToken cancellationToken = default);

    /// <summary>This node starts receiving <paramref name="channel"/>. Called when its first local subscriber arrives.</summary>
    Task SubscribeAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>This node stops receiving <paramref name="channel"/>. Called when its last local subscriber leaves.</summary>
    Task UnsubscribeAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads history: the latest position and up to <paramref name="limit"/> publications after
    /// <paramref name="since"/> (from the oldest kept when null), oldest first. A <paramref name="since"/> from
    /// another epoch returns no publications. <paramref name="limit"/> 0 returns only the latest position.
    /// </summary>
    Task<HistoryRead> ReadHistoryAsync(string channel, StreamPosition? since, int limit, HistoryLimits history, CancellationToken cancellationToken = default);
}

/// <summary>What a publish carries besides its channel.</summary>
/// <param name="Data">The JSON value, as UTF-8.</param>
/// <param name="User">The publishing user, or null.</param>
/// <param name="ClientId">The publishing client, or null for the server-side API.</param>
/// <param name="Timestamp">Unix milliseconds.</param>
/// <param name="AckRequired">Whether deliveries must be acknowledged.</param>
public sealed record PublishData(ReadOnlyMemory<byte> Data, string? User, string? ClientId, long Timestamp, bool AckRequired);

/// <summary>How much history a channel keeps.</summary>
/// <param name="Size">The most publications kept; 0 keeps none.</param>
/// <param name="TtlMs">How long each is kept, in milliseconds.</param>
public readonly record struct HistoryLimits(int Size, long TtlMs);

/// <summary>The result of <see cref="IBroker.ReadHistoryAsync"/>.</summary>
public sealed record HistoryRead(StreamPosition Latest, IReadOnlyList<Publication> Publications);

/// <summary>Receives what a broker delivers to this node. Calls for one channel come in order, never concurrently.</summary>
public interface IBrokerHandler
{
    /// <summary>A publication arrived on a channel this node subscribed to.</summary>
    void HandlePublication(string channel, string epoch, Publication publication);

    /// <summary>A join or leave arrived on a channel this node subscribed to.</summary>
    void HandleJoinLeave(string channel, bool join, ClientInfo info);
}
