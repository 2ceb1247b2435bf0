using System.Buffers;
using Pulse.Internal;
using Pulse.Protocol;

namespace Pulse;

public sealed partial class WebSocketConnection
{
    // The message being assembled: an exact-size array when the first frame said how long the message is,
    // otherwise a pooled array that grows and is copied out once the message is complete.
    private byte[]? _message;
    private int _messageLength;
    private bool _messagePooled;
    private MessageType _messageType;

    // Set once the application will read no more (its handler returned, or it is closing): incoming data is
    // then dropped instead of queued, so a full queue cannot stall the closing handshake.
    private volatile bool _discardIncoming;

    // Set once a close was started from this side: messages still arriving are queued while there is room,
    // for a reader that is still reading, but never waited for, so the peer's close reply gets through.
    private volatile bool _closingFromHere;

    // Allocated only when the receive loop has to wait for room in a full queue: closing cancels that wait.
    private CancellationTokenSource? _queueWait;

    // An upper bound on the bytes of answers the protocol queued (pongs, its close reply) not yet sent, and the
    // receive loop's wait for them to go out (see WaitForOutgoingRoomAsync).
    private long _unsentReplies;
    private TaskCompletionSource? _repliesSent;

    private async Task ReceiveLoopAsync()
    {
        var input = _transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var stop = false;

                // Whatever this read makes the connection (or, through a handler, others) send is flushed once,
                // by this thread, after the read's last frame.
                var batch = DrainBatch.Begin();
                try
                {
                    while (!stop)
                    {
                        ProtocolEvent received;
                        lock (_lock)
                        {
                            var queuedBefore = _outgoing.Length;
                            received = _protocol.Receive(ref buffer, _outgoing);
                            _unsentReplies += _outgoing.Length - queuedBefore;
                            ScheduleDrainLocked();
                        }

                        if (received.Kind == ProtocolEventKind.None)
                        {
                            break;
                        }

                        switch (received.Kind)
                        {
                            case ProtocolEventKind.Data:
                                if (Assemble(received) is { } message && !_discardIncoming && !_incoming.TryWrite(message))
                                {
                                    // The handler may be waiting for its own output to drain: never wait with a batch held.
                                    EndBatch(ref batch);
                                    await EnqueueWhenRoomAsync(message).ConfigureAwait(false);
                                    batch = DrainBatch.Begin();
                                }

                                break;
                            case ProtocolEventKind.Pong:
                                OnPong(received.Payload);
                                break;
                            case ProtocolEventKind.Close:
                                OnClosingHandshakeReceived();

                                // RFC 6455 §7.1.1: the server closes TCP first; a client waits for it.
                                stop = Role == Role.Server;
                                break;
                            case ProtocolEventKind.Error:
                                Log.ProtocolError(_logger, Id, received.Error?.ToString() ?? "");
                                stop = true;
                                break;
                        }
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    EndBatch(ref batch);
                }

                if (stop || result.IsCompleted || result.IsCanceled)
                {
                    break;
                }

                await WaitForOutgoingRoomAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The transport ended under us (reset, abort, close timeout; Kestrel's ConnectionResetException and
            // ConnectionAbortedException are an IOException and an OperationCanceledException): the state below says how.
        }
        finally
        {
            ReleaseMessage();
            lock (_lock)
            {
                if (_protocol.State != ProtocolState.Closed)
                {
                    _protocol.ReceiveEndOfStream();
                }

                _closedException ??= ConnectionClosedException.Create(_protocol.CloseReceived, _protocol.CloseSent, _protocol.ReceivedThenSent);
            }

            _incoming.Complete();
        }
    }

    private static void EndBatch(ref bool batch)
    {
        if (batch)
        {
            batch = false;
            DrainBatch.End();
        }
    }

    /// <summary>
    /// Waits while more than <see cref="ConnectionOptions.WriteLimit"/> bytes of the protocol's own answers
    /// (pongs, mostly) wait to be sent: a peer that floods pings and reads nothing would otherwise pile them up in
    /// memory. Not reading meanwhile lets TCP push back on that peer. Only answers count: pausing for the
    /// application's own data could deadlock two peers that both write more than they read.
    /// </summary>
    private ValueTask WaitForOutgoingRoomAsync()
    {
        lock (_lock)
        {
            if (_outputFailed || _unsentReplies <= _options.WriteLimit || _protocol.State == ProtocolState.Closed)
            {
                return ValueTask.CompletedTask;
            }

            _repliesSent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask(_repliesSent.Task);
        }
    }

    private async ValueTask EnqueueWhenRoomAsync(Message message)
    {
        CancellationToken token;
        lock (_lock)
        {
            if (_discardIncoming || _closingFromHere)
            {
                return;
            }

            _queueWait ??= new CancellationTokenSource();
            token = _queueWait.Token;
        }

        try
        {
            await _incoming.WriteAsync(message, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_discardIncoming || _closingFromHere)
        {
            // The application closed while this message waited for room: it is dropped.
        }
    }

    /// <summary>Drops incoming data from now on (nobody will read it), and wakes a wait for room in the queue.</summary>
    private void DiscardIncomingLocked()
    {
        _discardIncoming = true;
        WakeQueueWaitLocked();
    }

    private void WakeQueueWaitLocked()
    {
        if (_queueWait is { } wait)
        {
            // Cancelled off this thread: the loop's continuation must not run inside our lock.
            ThreadPool.UnsafeQueueUserWorkItem(static w => w.Cancel(), wait, preferLocal: false);
        }
    }

    private Message? Assemble(in ProtocolEvent received)
    {
        if (_discardIncoming)
        {
            return null;
        }

        if (received.StartOfMessage)
        {
            _messageType = received.MessageType;
            _messageLength = 0;
            if (received.MessageLengthHint >= 0)
            {
                _message = received.MessageLengthHint == 0 ? [] : new byte[received.MessageLengthHint];
                _messagePooled = false;
            }
            else
            {
                _message = ArrayPool<byte>.Shared.Rent(4096);
                _messagePooled = true;
            }
        }

        var payload = received.Payload;
        if (!payload.IsEmpty)
        {
            var needed = _messageLength + (int)payload.Length;
            if (needed > _message!.Length)
            {
                // Only pooled buffers grow: a hinted array was sized to the whole message.
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _message.Length * 2));
                _message.AsSpan(0, _messageLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_message);
                _message = grown;
            }

            payload.CopyTo(_message.AsSpan(_messageLength));
            _messageLength = needed;
        }

        if (!received.EndOfMessage)
        {
            return null;
        }

        byte[] data;
        if (_messagePooled)
        {
            data = _message.AsSpan(0, _messageLength).ToArray();
            ArrayPool<byte>.Shared.Return(_message!);
        }
        else
        {
            data = _message!;
        }

        _message = null;
        _messagePooled = false;
        PulseMetrics.Received(Role, _messageType, data.Length);
        return new Message(_messageType, data);
    }

    private void ReleaseMessage()
    {
        if (_messagePooled && _message is not null)
        {
            ArrayPool<byte>.Shared.Return(_message);
        }

        _message = null;
        _messagePooled = false;
    }
}
