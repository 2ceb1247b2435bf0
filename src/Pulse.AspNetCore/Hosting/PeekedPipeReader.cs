using System.IO.Pipelines;

namespace Pulse.Hosting;

/// <summary>
/// Hands a read already in progress to the next reader: its first read returns that result without touching
/// the transport (which would wait for bytes the client will not send until it gets an answer); everything
/// after goes straight to the inner reader.
/// </summary>
internal sealed class PeekedPipeReader(PipeReader inner, ReadResult pending) : PipeReader
{
    private bool _pendingTaken;

    public override bool TryRead(out ReadResult result)
    {
        if (!_pendingTaken)
        {
            _pendingTaken = true;
            result = pending;
            return true;
        }

        return inner.TryRead(out result);
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!_pendingTaken)
        {
            _pendingTaken = true;
            return new ValueTask<ReadResult>(pending);
        }

        return inner.ReadAsync(cancellationToken);
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
