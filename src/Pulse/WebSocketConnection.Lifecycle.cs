using Microsoft.Extensions.Logging;
using Pulse.Internal;
using Pulse.Protocol;

namespace Pulse;

public sealed partial class WebSocketConnection
{
    /// <summary>
    /// Starts the closing handshake with <paramref name="code"/> and waits until the connection is closed.
    /// Does nothing more than wait if it is already closing.
    /// </summary>
    /// <param name="code">The status code; 1000 by default.</param>
    /// <param name="reason">A short reason; truncated to 123 UTF-8 bytes.</param>
    /// <param name="cancellationToken">Stops the wait, not the closing.</param>
    /// <exception cref="ArgumentOutOfRangeException">The code may not be sent on the wire (such as 1005 or 1006).</exception>
    public async Task CloseAsync(CloseCode code = CloseCode.NormalClosure, string reason = "", CancellationToken cancellationToken = default)
    {
        if (!CloseCodes.IsValidOnWire((int)code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "This close code may not be sent on the wire.");
        }

        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            StartCloseLocked(code, reason);
        }

        await _closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the connection: the receive loop, keepalive and, on a server, the application's handler; returns
    /// when the connection is closed and the transport may be disposed.
    /// </summary>
    internal async Task RunAsync(Func<WebSocketConnection, Task>? handler)
    {
        // Guarded: the arguments (the id, the address as text) cost allocations even when nothing is logged.
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.Opened(_logger, Id, Role, RemoteEndPoint?.ToString() ?? "", Path);
        }

        PulseMetrics.Opened(Role);
        StartKeepAlive();

        // The connection closes on its own schedule, not the handler's: a handler may await Closed.
        var closing = CloseWhenReceivingEndsAsync(ReceiveLoopAsync());
        if (handler is not null)
        {
            var code = CloseCode.NormalClosure;
            try
            {
                await handler(this).ConfigureAwait(false);
            }
            catch (ConnectionClosedException)
            {
                // The handler met the closed connection, which is how handlers usually end.
            }
            catch (Exception e)
            {
                // A failing handler closes its own connection only.
                Log.HandlerFailed(_logger, Id, e);
                code = CloseCode.InternalError;
            }

            lock (_lock)
            {
                DiscardIncomingLocked();
                StartCloseLocked(code, code == CloseCode.NormalClosure ? "" : "internal error");
            }
        }

        await closing.ConfigureAwait(false);
    }

    private async Task CloseWhenReceivingEndsAsync(Task receiving)
    {
        await receiving.ConfigureAwait(false);

        // Everything framed (the last close frame included) reaches the transport before it is closed, unless
        // the close timeout gives up on a peer that stopped reading.
        await WaitFlushedAsync().ConfigureAwait(false);
        Finish();
    }

    /// <summary>
    /// Fails the connection from this side (RFC 6455 §7.1.7): the close frame is already queued; stop reading
    /// so the connection ends once it is flushed, with a graceful TCP close rather than a reset that could
    /// destroy the close frame in flight.
    /// </summary>
    private void StopReadingLocked()
    {
        DiscardIncomingLocked();
        _transport.Input.CancelPendingRead();
    }

    /// <summary>Ends the connection on behalf of a server that is stopping or a client being disposed.</summary>
    internal void Abort() => _abortTransport();

    private void StartCloseLocked(CloseCode code, string reason)
    {
        if (_protocol.CloseSent is not null || _protocol.State == ProtocolState.Closed)
        {
            return;
        }

        // The peer's answer must not wait behind a full queue.
        _closingFromHere = true;
        WakeQueueWaitLocked();
        _protocol.WriteClose(_outgoing, code, reason);
        ScheduleDrainLocked();
        ArmCloseTimeoutLocked();
    }

    private void OnClosingHandshakeReceived()
    {
        lock (_lock)
        {
            ArmCloseTimeoutLocked();
        }
    }

    private void ArmCloseTimeoutLocked()
    {
        // RFC 6455 §7.1.1: the closing handshake must not hang forever on a peer that stopped answering.
        // Armed once, like the timer it replaces; aborting the transport ends it (see OnDeadline).
        if (_closeTimeoutArmed)
        {
            return;
        }

        _closeTimeoutArmed = true;
        _closeDue = TimerWheel.DueIn(_options.CloseTimeout);
        RescheduleLocked();
    }

    private void Finish()
    {
        lock (_lock)
        {
            StopDeadlinesLocked();
        }

        try
        {
            _transport.Output.Complete();
            _transport.Input.Complete();
        }
        catch (InvalidOperationException)
        {
            // Completing pipes that a failed transport already tore down is harmless.
        }

        ConnectionClosedException closed;
        lock (_lock)
        {
            closed = _closedException ??= ConnectionClosedException.Create(_protocol.CloseReceived, _protocol.CloseSent, _protocol.ReceivedThenSent);
            FailPendingPingsLocked(closed);
            _belowWriteLimit?.TrySetResult();
            _belowWriteLimit = null;
            _repliesSent?.TrySetResult();
            _repliesSent = null;

            // Nothing reads or writes frames any more: free the zlib streams now rather than at finalization.
            _protocol.Dispose();
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var status = CloseStatus ?? new CloseFrame(CloseCode.AbnormalClosure, "");
            Log.Closed(_logger, Id, RemoteEndPoint?.ToString() ?? "", (int)status.Code, status.Reason);
        }

        PulseMetrics.Closed(Role);
        _closed.TrySetResult();
    }
}
