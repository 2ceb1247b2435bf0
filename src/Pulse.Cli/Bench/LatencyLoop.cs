using System.Buffers.Binary;

namespace Pulse.Cli.Bench;

/// <summary>
/// One connection of <c>pulse bench latency</c>: probes go out from the <see cref="ProbeSender"/>'s thread; the
/// loop reads their echoes and records each round trip from the two timestamps the probe carries.
/// </summary>
internal sealed class LatencyLoop(BenchConnection connection, LatencyRecorder recorder) : SharedSendLoop(connection, ProbeLength)
{
    /// <summary>Bytes at the start of a probe's payload: when it was due, then when it was sent (Stopwatch ticks, little-endian).</summary>
    public const int ProbeLength = 16;

    private long _received;

    /// <summary>Echoes received so far (in any period); read from other threads while the loop runs.</summary>
    public long Received => Volatile.Read(ref _received);

    protected override void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt)
    {
        Volatile.Write(ref _received, _received + 1);
        if (prefix.Length >= ProbeLength)
        {
            recorder.Record(BinaryPrimitives.ReadInt64LittleEndian(prefix), BinaryPrimitives.ReadInt64LittleEndian(prefix[8..]), receivedAt);
        }
    }
}
