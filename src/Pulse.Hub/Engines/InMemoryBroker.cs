using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pulse.Hub.Core;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Engines;

/// <summary>
/// The default broker: one node, everything in this process. Each channel's stream lives in memory, so a
/// restart starts every channel over in a new epoch (clients are then told they could not recover).
/// </summary>
public sealed class InMemoryBroker : IBroker
{
    private readonly ConcurrentDictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _subscribed = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private IBrokerHandler? _handler;

    /// <summary>Creates the broker.</summary>
    public InMemoryBroker(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>The number of channels with a stream in memory.</summary>
    public int ChannelCount => _channels.Count;

    /// <inheritdoc/>
    public void SetHandler(IBrokerHandler handler) => _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <inheritdoc/>
    public Task<StreamPosition> PublishAsync(string channel, PublishData data, HistoryLimits history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var state = _channels.GetOrAdd(channel, static _ => new ChannelState(NewEpoch()));

        // The subscribers are flushed once the channel's lock is released, not while other publishers wait for it.
        using var batch = Broadcast.BeginBatch();
        lock (state)
        {
            var publication = state.Stream.Append(data.Data, data.User, data.ClientId, data.AckRequired, data.Timestamp, history.Size, history.TtlMs);

            // Delivered under the channel's lock: every subscriber sees the channel's offsets in order.
            if (_subscribed.ContainsKey(channel))
            {
                _handler?.HandlePublication(channel, state.Stream.Epoch, publication);
            }

            return Task.FromResult(new StreamPosition(state.Stream.Epoch, publication.Offset));
        }
    }

    /// <inheritdoc/>
    public Task PublishJoinLeaveAsync(string channel, bool join, ClientInfo info, CancellationToken cancellationToken = default)
    {
        if (_subscribed.ContainsKey(channel))
        {
            var state = _channels.GetOrAdd(channel, static _ => new ChannelState(NewEpoch()));
            using var batch = Broadcast.BeginBatch();
            lock (state)
            {
                _handler?.HandleJoinLeave(channel, join, info);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task SubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        _subscribed.TryAdd(channel, 0);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task UnsubscribeAsync(string channel, CancellationToken cancellationToken = default)
    {
        _subscribed.TryRemove(channel, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<HistoryRead> ReadHistoryAsync(string channel, StreamPosition? since, int limit, HistoryLimits history, CancellationToken cancellationToken = default)
    {
        var state = _channels.GetOrAdd(channel, static _ => new ChannelState(NewEpoch()));
        lock (state)
        {
            var stream = state.Stream;
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            IReadOnlyList<Publication> publications = since is { } s && s.Epoch != stream.Epoch
                ? []
                : stream.ReadAfter(since?.Offset ?? 0, limit, now, history.Size, history.TtlMs);
            return Task.FromResult(new HistoryRead(stream.Latest, publications));
        }
    }

    /// <summary>
    /// Forgets channels nobody on this node receives and whose history is empty, so memory follows the channels
    /// in use. Their next publication starts a new epoch, which is right: nothing was left to recover.
    /// </summary>
    public void Sweep(Func<string, HistoryLimits> limitsOf)
    {
        ArgumentNullException.ThrowIfNull(limitsOf);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (channel, state) in _channels)
        {
            if (_subscribed.ContainsKey(channel))
            {
                continue;
            }

            lock (state)
            {
                var limits = limitsOf(channel);
                if (state.Stream.ReadAfter(0, 1, now, limits.Size, limits.TtlMs).Count == 0)
                {
                    _channels.TryRemove(new KeyValuePair<string, ChannelState>(channel, state));
                }
            }
        }
    }

    // 8 random bytes: message ids are {epoch}:{offset} without the channel, so epochs must not collide.
    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private sealed class ChannelState(string epoch)
    {
        public ChannelStream Stream { get; } = new(epoch);
    }
}
