using System.Threading.Tasks.Sources;

namespace Pulse.Internal;

/// <summary>
/// The incoming messages of one connection: bounded, one writer (the receive loop), one reader (the application).
/// It replaces a bounded <c>Channel&lt;Message&gt;</c>, which came with a reader, a writer, a deque and
/// preallocated waiter objects for every connection, and a <c>ChannelClosedException</c> at every close. The
/// buffer is made on the first message and grows up to the bound; the reader's wait reuses one value-task source.
/// </summary>
/// <remarks>
/// As with the channel it replaces (<c>AllowSynchronousContinuations</c>), a reader waiting for a message resumes
/// on the writer's thread, so a handler keeping up with its peer runs inline on the receive loop.
/// </remarks>
internal sealed class MessageQueue(int capacity) : IValueTaskSource<bool>
{
    private readonly Lock _lock = new();
    private Message[]? _items;
    private int _head;
    private int _count;
    private bool _completed;

    // The reader's wait: one at a time (see WaitToReadAsync).
    private ManualResetValueTaskSourceCore<bool> _reader;
    private bool _readerWaiting;
    private CancellationTokenRegistration _readerCancellation;

    // The writer's wait for room: only while the queue is full.
    private TaskCompletionSource? _room;

    /// <summary>Adds <paramref name="message"/> if there is room; false when the queue is full or completed.</summary>
    public bool TryWrite(Message message)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed || _count == capacity)
            {
                return false;
            }

            if (_items is null || _count == _items.Length)
            {
                Grow();
            }

            _items![(_head + _count) % _items.Length] = message;
            _count++;
            wake = TakeReaderLocked();
        }

        if (wake)
        {
            WakeReader(true);
        }

        return true;
    }

    /// <summary>Adds <paramref name="message"/>, waiting for room; cancelling throws <see cref="OperationCanceledException"/>.</summary>
    public async ValueTask WriteAsync(Message message, CancellationToken cancellationToken)
    {
        while (!TryWrite(message))
        {
            Task room;
            lock (_lock)
            {
                if (_completed)
                {
                    throw new InvalidOperationException("The queue is complete.");
                }

                if (_count < capacity)
                {
                    continue;
                }

                room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the oldest message, if any.</summary>
    public bool TryRead(out Message message)
    {
        TaskCompletionSource? room;
        lock (_lock)
        {
            if (_count == 0)
            {
                message = default;
                return false;
            }

            message = _items![_head];
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            _count--;
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
        return true;
    }

    /// <summary>True once a message can be read; false once the queue is complete and empty. One wait at a time.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        // In the channel's order: a cancelled token wins over a waiting message.
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        lock (_lock)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            if (_readerWaiting)
            {
                throw new InvalidOperationException("Only one receive at a time.");
            }

            _reader.Reset();
            _readerWaiting = true;
        }

        // Registered outside the lock: a token cancelled meanwhile runs the callback right here.
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (state, token) => ((MessageQueue)state!).CancelReader(token), this)
            : default;
        var version = _reader.Version;
        lock (_lock)
        {
            if (_readerWaiting)
            {
                _readerCancellation = registration;
                registration = default;
            }
        }

        // Already woken (or cancelled) before the registration was stored: it is not needed.
        registration.Dispose();
        return new ValueTask<bool>(this, version);
    }

    /// <summary>No more messages will be written: a waiting reader wakes, and reads end once the queue is empty.</summary>
    public void Complete()
    {
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            wake = _count == 0 && TakeReaderLocked();
        }

        if (wake)
        {
            WakeReader(false);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _reader.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _reader.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _reader.OnCompleted(continuation, state, token, flags);

    private bool TakeReaderLocked()
    {
        if (!_readerWaiting)
        {
            return false;
        }

        _readerWaiting = false;
        return true;
    }

    private void WakeReader(bool result)
    {
        // Outside the lock: the reader's continuation may run right here.
        CancellationTokenRegistration registration;
        lock (_lock)
        {
            registration = _readerCancellation;
            _readerCancellation = default;
        }

        registration.Dispose();
        _reader.SetResult(result);
    }

    private void CancelReader(CancellationToken token)
    {
        lock (_lock)
        {
            if (!_readerWaiting)
            {
                return;
            }

            _readerWaiting = false;
            _readerCancellation = default;
        }

        _reader.SetException(new OperationCanceledException(token));
    }

    private void Grow()
    {
        // Start small: most connections hold a message or two at a time, and many never receive one.
        var grown = new Message[Math.Min(capacity, Math.Max(4, (_items?.Length ?? 0) * 2))];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = _items![(_head + i) % _items.Length];
        }

        _items = grown;
        _head = 0;
    }
}
