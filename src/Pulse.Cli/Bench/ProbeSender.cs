using System.Diagnostics;

namespace Pulse.Cli.Bench;

/// <summary>
/// Sends latency probes at a fixed total rate, round-robin over the connections, from one thread of its own.
/// Probe k is due at start + k / rate, whatever happened to probe k - 1, and carries that due time: if the
/// sender or a socket falls behind, the late probes go out at once and their wait counts in the round trip
/// (no coordinated omission).
/// </summary>
internal sealed class ProbeSender
{
    private readonly LatencyLoop[] _loops;
    private readonly byte[] _frame;
    private readonly double _ticksPerProbe;
    private readonly Measurement _measurement;
    private readonly CancellationToken _stop;
    private readonly Thread _thread;
    private long _sentInWindow;
    private long _unsentInWindow;

    public ProbeSender(LatencyLoop[] loops, int size, int rate, Measurement measurement, CancellationToken stop)
    {
        _loops = loops;
        _frame = ClientFrames.Binary(size);
        _ticksPerProbe = (double)Stopwatch.Frequency / rate;
        _measurement = measurement;
        _stop = stop;
        _thread = new Thread(Run) { IsBackground = true, Name = "pulse bench probes", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Probes due in the measured period and written.</summary>
    public long SentInWindow => Volatile.Read(ref _sentInWindow);

    /// <summary>Probes due in the measured period that could not be written: their connection had ended.</summary>
    public long UnsentInWindow => Volatile.Read(ref _unsentInWindow);

    public void Start() => _thread.Start();

    /// <summary>Completes when the last probe (due before the end of the measured period) was written.</summary>
    public Task WaitAsync() => Task.Run(_thread.Join);

    private void Run()
    {
        PreciseSleep.TightenTimerSlack();
        for (long k = 0; !_stop.IsCancellationRequested; k++)
        {
            var due = _measurement.Start + (long)(k * _ticksPerProbe);
            if (due >= _measurement.MeasureUntil)
            {
                return;
            }

            PreciseSleep.Until(due);
            var loop = _loops[k % _loops.Length];
            ClientFrames.WriteInt64(_frame, 0, due);
            ClientFrames.WriteInt64(_frame, 8, Stopwatch.GetTimestamp());
            var sent = !loop.Failed && loop.TrySend(_frame);
            if (due >= _measurement.MeasureFrom)
            {
                if (sent)
                {
                    Volatile.Write(ref _sentInWindow, _sentInWindow + 1);
                }
                else
                {
                    Volatile.Write(ref _unsentInWindow, _unsentInWindow + 1);
                }
            }
        }
    }
}
