using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;

namespace Pulse;

public sealed partial class WebSocketConnection
{
    private ITimer? _keepAliveTimer;
    private uint _lastPingId;
    private uint? _keepAlivePingId;
    private long _keepAlivePingSentAt;
    private List<PendingPing>? _userPings;

    /// <summary>The round trip of the last keepalive ping, or zero before the first pong.</summary>
    public TimeSpan Latency { get; private set; }

    /// <summary>Sends a ping and waits for its pong; returns the round-trip time.</summary>
    /// <exception cref="ConnectionClosedException">The connection closed before the pong arrived.</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        PendingPing ping;
        lock (_lock)
        {
            ThrowIfNotOpenLocked();
            ping = new PendingPing(++_lastPingId, Stopwatch.GetTimestamp());
            WritePingLocked(ping.Id);
            (_userPings ??= []).Add(ping);
        }

        return await ping.Pong.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void StartKeepAlive()
    {
        if (_options.PingInterval is { } interval)
        {
            _keepAliveTimer = TimeProvider.System.CreateTimer(static state => ((WebSocketConnection)state!).OnKeepAliveTimer(), this, interval, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopKeepAlive() => _keepAliveTimer?.Dispose();

    private void OnKeepAliveTimer()
    {
        lock (_lock)
        {
            if (!IsOpenLocked() || _outputFailed)
            {
                return;
            }

            if (_keepAlivePingId is not null)
            {
                // The pong did not come within PingTimeout: the peer or the path to it is gone.
                Log.PingTimeout(_logger, Id);
                StartCloseLocked(CloseCode.InternalError, "keepalive ping timeout");
                StopReadingLocked();
                return;
            }

            _keepAlivePingId = ++_lastPingId;
            _keepAlivePingSentAt = Stopwatch.GetTimestamp();
            WritePingLocked(_keepAlivePingId.Value);
            _keepAliveTimer!.Change(_options.PingTimeout ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_options.PingTimeout is null)
            {
                // Without a timeout nobody waits for this pong: schedule the next ping instead.
                _keepAlivePingId = null;
                _keepAliveTimer.Change(_options.PingInterval!.Value, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void WritePingLocked(uint id)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, id);
        _protocol.WritePing(_outgoing, payload);
        ScheduleDrainLocked();
    }

    private void OnPong(ReadOnlySequence<byte> payload)
    {
        if (payload.Length != 4)
        {
            return; // An unsolicited pong (RFC 6455 §5.5.3): nothing to match.
        }

        Span<byte> bytes = stackalloc byte[4];
        payload.CopyTo(bytes);
        var id = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            // A pong answers its ping and every earlier one (RFC 6455 §5.5.3 allows answering only the latest).
            if (_keepAlivePingId is { } pending && pending <= id)
            {
                _keepAlivePingId = null;
                var elapsed = Stopwatch.GetElapsedTime(_keepAlivePingSentAt, now);
                Latency = elapsed;
                var untilNext = _options.PingInterval!.Value - elapsed;
                _keepAliveTimer?.Change(untilNext > TimeSpan.Zero ? untilNext : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }

            if (_userPings is { Count: > 0 } pings)
            {
                pings.RemoveAll(p =>
                {
                    if (p.Id > id)
                    {
                        return false;
                    }

                    p.Pong.TrySetResult(Stopwatch.GetElapsedTime(p.SentAt, now));
                    return true;
                });
            }
        }
    }

    private void FailPendingPingsLocked(ConnectionClosedException closed)
    {
        if (_userPings is null)
        {
            return;
        }

        foreach (var ping in _userPings)
        {
            ping.Pong.TrySetException(closed);
        }

        _userPings.Clear();
    }

    private sealed class PendingPing(uint id, long sentAt)
    {
        public uint Id { get; } = id;

        public long SentAt { get; } = sentAt;

        public TaskCompletionSource<TimeSpan> Pong { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
