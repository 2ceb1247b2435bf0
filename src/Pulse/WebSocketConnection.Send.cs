using System.Buffers;
using Pulse.Internal;

namespace Pulse;

public sealed partial class WebSocketConnection : IThreadPoolWorkItem
{
    private readonly OutgoingBuffer _outgoing = new();
    private CountingWriter? _direct;
    private bool _draining;

    // A drain is scheduled and has not started: senders may frame straight into the transport's writer (see
    // WriterLocked), and what they wrote waits for the drain's flush.
    private bool _directOpen;
    private int _inFlight;
    private bool _outputFailed;
    private TaskCompletionSource? _belowWriteLimit;
    private TaskCompletionSource? _flushed;

    /// <summary>Bytes framed and not yet accepted by the transport.</summary>
    internal int BufferedBytes
    {
        get
        {
            lock (_lock)
            {
                return BufferedBytesLocked;
            }
        }
    }

    private int BufferedBytesLocked => _outgoing.Length + _inFlight;

    /// <summary>Sends a text message. Waits only while more than <see cref="ConnectionOptions.WriteLimit"/> bytes are buffered.</summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    public ValueTask SendAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_lock)
        {
            ThrowIfNotOpenLocked();
            _protocol.WriteText(WriterLocked(), text);
            WrittenLocked();
            PulseMetrics.SentText(Role, text);
            return AfterWriteLocked(cancellationToken);
        }
    }

    /// <summary>Sends a binary message. Waits only while more than <see cref="ConnectionOptions.WriteLimit"/> bytes are buffered.</summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        SendAsync(MessageType.Binary, data.Span, cancellationToken);

    /// <summary>Sends a message with its own type, such as one just received (an echo).</summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    public ValueTask SendAsync(Message message, CancellationToken cancellationToken = default) =>
        SendAsync(message.Type, message.Data.Span, cancellationToken);

    /// <summary>Sends a message whose payload is already UTF-8 (text) or bytes (binary).</summary>
    /// <exception cref="ConnectionClosedException">The connection is closing or closed.</exception>
    public ValueTask SendAsync(MessageType type, ReadOnlySpan<byte> payload, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ThrowIfNotOpenLocked();
            _protocol.WriteMessage(WriterLocked(), type, payload);
            WrittenLocked();
            PulseMetrics.Sent(Role, type, payload.Length);
            return AfterWriteLocked(cancellationToken);
        }
    }

    /// <summary>
    /// Queues a message framed beforehand without waiting, as <see cref="Broadcast"/> does for each recipient:
    /// false when the connection is not open or is over its <see cref="ConnectionOptions.WriteLimit"/> (then, by
    /// <paramref name="policy"/>, it is closed with 1013 or the message is skipped).
    /// </summary>
    public bool TrySend(PreparedMessage message, BroadcastPolicy policy = BroadcastPolicy.CloseSlowConsumer)
    {
        ArgumentNullException.ThrowIfNull(message);
        return TryEnqueueBroadcast(message.Frame, policy);
    }

    /// <summary>
    /// Queues a message without waiting, like <see cref="TrySend(PreparedMessage, BroadcastPolicy)"/>: for a
    /// send from code that must not wait (inside a lock, a timer); false when it was not queued.
    /// </summary>
    public bool TrySend(Message message, BroadcastPolicy policy = BroadcastPolicy.CloseSlowConsumer) =>
        TrySend(PreparedMessage.Create(message), policy);

    /// <summary>
    /// Queues a message for <see cref="Broadcast"/> without waiting: false when the connection is not open or is
    /// over its write limit (then, by policy, it is closed with 1013 or skipped).
    /// </summary>
    internal bool TryEnqueueBroadcast(BroadcastFrame frame, BroadcastPolicy policy)
    {
        lock (_lock)
        {
            if (!IsOpenLocked() || _outputFailed)
            {
                return false;
            }

            if (BufferedBytesLocked > _options.WriteLimit)
            {
                if (policy == BroadcastPolicy.CloseSlowConsumer)
                {
                    // What this peer has not taken yet will never be read in time: free it now.
                    _outgoing.Clear();
                    StartCloseLocked(CloseCode.TryAgainLater, "slow consumer");
                    Log.SlowConsumerClosed(_logger, Id, _options.WriteLimit);
                    PulseMetrics.SlowConsumerClosed();
                }
                else
                {
                    PulseMetrics.QueueDropped();
                }

                return false;
            }

            var length = frame.Payload.Length;
            var writer = WriterLocked();
            try
            {
                WriteBroadcastFrameLocked(writer, frame, length);
            }
            catch (InvalidOperationException)
            {
                // The transport's writer was completed under us (the connection is ending): not this sender's failure.
                _outputFailed = true;
                _directOpen = false;
                return false;
            }

            WrittenLocked();
            PulseMetrics.Sent(Role, frame.Type, frame.Payload.Length);
            return true;
        }
    }

    private void WriteBroadcastFrameLocked(IBufferWriter<byte> writer, BroadcastFrame frame, int length)
    {
        if (_protocol.Role != Protocol.Role.Server || (_protocol.Compresses(length) && !_protocol.CompressesAlone(length, out _, out _)))
        {
            // A client masks each frame; a compressor with context takeover compresses against its own history.
            _protocol.WriteMessage(writer, frame.Type, frame.Payload.Span);
        }
        else if (_protocol.CompressesAlone(length, out var windowBits, out var memoryLevel))
        {
            // RFC 7692 §7.1.1.1: with server_no_context_takeover every message is compressed afresh, so one
            // compressed frame serves every recipient with the same window and memory level.
            writer.Write(frame.CompressedServerFrame(windowBits, memoryLevel).Span);
        }
        else
        {
            writer.Write(frame.ServerFrame.Span);
        }
    }

    private ValueTask AfterWriteLocked(CancellationToken cancellationToken)
    {
        ScheduleDrainLocked();
        if (BufferedBytesLocked <= _options.WriteLimit)
        {
            return ValueTask.CompletedTask;
        }

        _belowWriteLimit ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new ValueTask(_belowWriteLimit.Task.WaitAsync(cancellationToken));
    }

    private void ThrowIfNotOpenLocked()
    {
        if (!IsOpenLocked() || _outputFailed)
        {
            throw _closedException ?? ConnectionClosedException.Create(_protocol.CloseReceived, _protocol.CloseSent, _protocol.ReceivedThenSent);
        }
    }

    /// <summary>
    /// Where a sender frames a message: straight into the transport's writer while no drain has started and
    /// nothing waits in <see cref="_outgoing"/>, so the frames of a batch (echoes of one read, one broadcast's
    /// recipients) cost no copy and no pooled buffer each; otherwise <see cref="_outgoing"/>, which the drain writes
    /// after what went straight through, so the order is kept. Call <see cref="WrittenLocked"/> after writing.
    /// </summary>
    private IBufferWriter<byte> WriterLocked()
    {
        if (_outputFailed || _outgoing.Length > 0 || (_draining && !_directOpen))
        {
            return _outgoing;
        }

        _direct ??= new CountingWriter(_transport.Output);
        _directOpen = true;
        return _direct;
    }

    /// <summary>Counts what a sender wrote straight into the transport against the write limit, and has it flushed.</summary>
    private void WrittenLocked()
    {
        if (_direct is { Written: > 0 } direct)
        {
            _inFlight += direct.TakeCount();
        }

        ScheduleDrainLocked();
    }

    private void ScheduleDrainLocked()
    {
        if (_draining || (_outgoing.Length == 0 && !_directOpen) || _outputFailed)
        {
            return;
        }

        _draining = true;

        // Inside a read's or a broadcast's batch, this thread flushes when the batch ends. Otherwise the drain is
        // queued to this thread's local queue and runs after the current work item. Either way every frame a batch
        // produces (echoes, pongs, one broadcast's message) goes out in one write and one flush.
        if (!DrainBatch.TryDefer(this))
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    /// <summary>Starts the drain a <see cref="DrainBatch"/> deferred, on the thread that ends the batch.</summary>
    internal void StartDeferredDrain() => _ = DrainAsync();

    private async Task DrainAsync()
    {
        var output = _transport.Output;
        try
        {
            while (true)
            {
                (byte[] Buffer, int Length)? chunk;
                lock (_lock)
                {
                    // From here on senders write to _outgoing: the writer is the drain's until the next one is scheduled.
                    var direct = _directOpen;
                    _directOpen = false;
                    chunk = _outgoing.Take();
                    if (chunk is null && !direct)
                    {
                        _draining = false;
                        ReleaseWritersLocked();
                        return;
                    }

                    _inFlight += chunk?.Length ?? 0;
                }

                if (chunk is { } taken)
                {
                    try
                    {
                        output.Write(taken.Buffer.AsSpan(0, taken.Length));
                    }
                    finally
                    {
                        OutgoingBuffer.Return(taken.Buffer);
                    }
                }

                var result = await output.FlushAsync().ConfigureAwait(false);
                lock (_lock)
                {
                    _inFlight = 0;
                    ReleaseWritersLocked();
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    throw new IOException("The transport stopped accepting data.");
                }
            }
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _outputFailed = true;
                _draining = false;
                _directOpen = false;
                _inFlight = 0;
                _outgoing.Clear();
                ReleaseWritersLocked();
            }

            Log.WriteFailed(_logger, Id, e);
            _abortTransport();
        }
    }

    private void ReleaseWritersLocked()
    {
        // The answers were queued in order with everything else, so no more of them than is still buffered is unsent.
        _unsentReplies = Math.Min(_unsentReplies, BufferedBytesLocked);
        if (_repliesSent is { } replies && (_outputFailed || _unsentReplies <= _options.WriteLimit / 4))
        {
            _repliesSent = null;
            replies.TrySetResult();
        }

        if (_belowWriteLimit is { } waiter && (_outputFailed || BufferedBytesLocked <= _options.WriteLimit / 4))
        {
            _belowWriteLimit = null;
            waiter.TrySetResult();
        }

        if (_flushed is { } flushed && (_outputFailed || (!_draining && _outgoing.Length == 0)))
        {
            _flushed = null;
            flushed.TrySetResult();
        }
    }

    /// <summary>Completes once everything framed so far was handed to the transport (or the transport failed).</summary>
    private Task WaitFlushedAsync()
    {
        lock (_lock)
        {
            if (_outputFailed || (!_draining && _outgoing.Length == 0))
            {
                return Task.CompletedTask;
            }

            _flushed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _flushed.Task;
        }
    }
}
