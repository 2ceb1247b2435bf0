using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using Pulse.Internal;

namespace Pulse;

public sealed partial class WebSocketConnection
{
    // Deadlines as Stopwatch timestamps, zero when unset, kept on the shared TimerWheel through one entry
    // that is due at the earlier of the two (see RescheduleLocked).
    private long _keepAliveDue;
    private long _closeDue;
    private bool _closeTimeoutArmed;
    private bool _deadlinesStopped;
    private DeadlineEntry? _deadline;
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
            lock (_lock)
            {
                _keepAliveDue = TimerWheel.DueIn(interval);
                RescheduleLocked();
            }
        }
    }

    /// <summary>Takes both deadlines off the wheel for good: the connection is finished.</summary>
    private void StopDeadlinesLocked()
    {
        _deadlinesStopped = true;
        _keepAliveDue = _closeDue = 0;
        if (_deadline is { } entry)
        {
            TimerWheel.Shared.Cancel(entry);
        }
    }

    /// <summary>Puts the connection's entry on the wheel at its earlier deadline, or takes it off when there is none.</summary>
    private void RescheduleLocked()
    {
        var due = _keepAliveDue == 0 ? _closeDue : _closeDue == 0 ? _keepAliveDue : Math.Min(_keepAliveDue, _closeDue);
        if (_deadlinesStopped || due == 0)
        {
            if (_deadline is { } entry)
            {
                TimerWheel.Shared.Cancel(entry);
            }

            return;
        }

        TimerWheel.Shared.Schedule(_deadline ??= new DeadlineEntry(this), due);
    }

    private void OnDeadline()
    {
        bool keepAlive, close;
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            close = _closeDue != 0 && _closeDue <= now;
            keepAlive = _keepAliveDue != 0 && _keepAliveDue <= now;
            if (close)
            {
                _closeDue = 0;
            }

            if (keepAlive)
            {
                _keepAliveDue = 0;
            }

            RescheduleLocked();
        }

        if (close)
        {
            // RFC 6455 §7.1.1: the closing handshake took too long; drop the TCP connection.
            _abortTransport();
        }

        if (keepAlive)
        {
            OnKeepAliveTimer();
        }
    }

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
            if (_options.PingTimeout is { } timeout)
            {
                _keepAliveDue = TimerWheel.DueIn(timeout);
            }
            else
            {
                // Without a timeout nobody waits for this pong: schedule the next ping instead.
                _keepAlivePingId = null;
                _keepAliveDue = TimerWheel.DueIn(_options.PingInterval!.Value);
            }

            RescheduleLocked();
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
                _keepAliveDue = TimerWheel.DueIn(untilNext > TimeSpan.Zero ? untilNext : TimeSpan.Zero);
                RescheduleLocked();
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

    private sealed class DeadlineEntry(WebSocketConnection connection) : TimerWheelEntry
    {
        public override void OnDue() => connection.OnDeadline();
    }

    private sealed class PendingPing(uint id, long sentAt)
    {
        public uint Id { get; } = id;

        public long SentAt { get; } = sentAt;

        public TaskCompletionSource<TimeSpan> Pong { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
