using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pulse.Hub.Core;
using Pulse.Hub.Protocol;

namespace Pulse.Hub.Engines;

/// <summary>
/// The default broker: one node, everything in this process. Each channel's stream lives in memory, so a
/// restart starts every channel over in a new epoch (clients are then told they could not recover).
/// </summary>
/// <remarks>
/// It knows channels and publications, not connections: it hands each publication to the hub's
/// <see cref="IBrokerHandler"/>, and the hub batches the sending around its own fan-out.
/// </remarks>
public sealed class InMemoryBroker : IBroker
{
    /// <summary>How often, at most, channels nobody uses are looked for (on the next call after it passed).</summary>
    private static readonly long s_sweepEveryMs = (long)TimeSpan.FromSeconds(20).TotalMilliseconds;

    private readonly ConcurrentDictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _subscribed = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private IBrokerHandler? _handler;
    private long _nextSweepMs;

    /// <summary>Creates the broker.</summary>
    public InMemoryBroker(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _nextSweepMs = _time.GetUtcNow().ToUnixTimeMilliseconds() + s_sweepEveryMs;
    }

    /// <summary>The number of channels with a stream in memory.</summary>
    public int ChannelCount => _channels.Count;

    /// <inheritdoc/>
    public void SetHandler(IBrokerHandler handler) => _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <inheritdoc/>
    public Task<StreamPosition> PublishAsync(string channel, PublishData data, HistoryLimits history, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        SweepWhenDue();
        while (true)
        {
            var state = _channels.GetOrAdd(channel, static _ => new ChannelState(NewEpoch()));
            lock (state)
            {
                if (!_channels.TryGetValue(channel, out var current) || current != state)
                {
                    continue; // swept meanwhile: publish into the channel's state that is kept
                }

                state.Use(history, _time.GetUtcNow().ToUnixTimeMilliseconds());
                var publication = state.Stream.Append(data.Data, data.User, data.ClientId, data.AckRequired, data.Timestamp, history.Size, history.TtlMs);

                // Delivered under the channel's lock: every subscriber sees the channel's offsets in order.
                if (_subscribed.ContainsKey(channel))
                {
                    _handler?.HandlePublication(channel, state.Stream.Epoch, publication);
                }

                return Task.FromResult(new StreamPosition(state.Stream.Epoch, publication.Offset));
            }
        }
    }

    /// <inheritdoc/>
    public Task PublishJoinLeaveAsync(string channel, bool join, ClientInfo info, CancellationToken cancellationToken = default)
    {
        if (_subscribed.ContainsKey(channel))
        {
            var state = _channels.GetOrAdd(channel, static _ => new ChannelState(NewEpoch()));
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
        SweepWhenDue();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<HistoryRead> ReadHistoryAsync(string channel, StreamPosition? since, int limit, HistoryLimits history, CancellationToken cancellationToken = default)
    {
        var state = _channels.GetOrAdd(channel, static _ => new ChannelState(NewEpoch()));
        lock (state)
        {
            state.Use(history, _time.GetUtcNow().ToUnixTimeMilliseconds());
            var stream = state.Stream;
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            IReadOnlyList<Publication> publications = since is { } s && s.Epoch != stream.Epoch
                ? []
                : stream.ReadAfter(since?.Offset ?? 0, limit, now, history.Size, history.TtlMs);
            return Task.FromResult(new HistoryRead(stream.Latest, publications));
        }
    }

    /// <summary>
    /// Forgets channels nobody on this node receives, untouched for a sweep's interval, and whose history is empty
    /// (by the limits their last publication or read named), so memory follows the channels in use. Their next publication starts a new
    /// epoch, which is right: nothing was left to recover. Runs by itself every 20 seconds or so.
    /// </summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (channel, state) in _channels)
        {
            if (_subscribed.ContainsKey(channel))
            {
                continue;
            }

            lock (state)
            {
                if (now - state.LastUsedMs >= s_sweepEveryMs && state.Stream.ReadAfter(0, 1, now, state.Limits.Size, state.Limits.TtlMs).Count == 0)
                {
                    _channels.TryRemove(new KeyValuePair<string, ChannelState>(channel, state));
                }
            }
        }
    }

    private void SweepWhenDue()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = Volatile.Read(ref _nextSweepMs);
        if (now >= due && Interlocked.CompareExchange(ref _nextSweepMs, now + s_sweepEveryMs, due) == due)
        {
            Sweep();
        }
    }

    // 8 random bytes: message ids are {epoch}:{offset} without the channel, so epochs must not collide.
    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private sealed class ChannelState(string epoch)
    {
        public ChannelStream Stream { get; } = new(epoch);

        /// <summary>The history limits its last publication or read named; what the sweep keeps by.</summary>
        public HistoryLimits Limits { get; private set; }

        /// <summary>When it was last published to or read, in Unix ms: a channel just read keeps its epoch.</summary>
        public long LastUsedMs { get; private set; }

        public void Use(HistoryLimits limits, long nowMs) => (Limits, LastUsedMs) = (limits, nowMs);
    }
}
