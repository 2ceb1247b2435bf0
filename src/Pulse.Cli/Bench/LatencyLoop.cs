using System.Buffers.Binary;
using System.Net.Sockets;

namespace Pulse.Cli.Bench;

/// <summary>
/// One connection of <c>pulse bench latency</c>: probes go out from the <see cref="ProbeSender"/>'s thread; the
/// loop reads their echoes and records each round trip from the two timestamps the probe carries.
/// </summary>
/// <remarks>
/// Sends come from two threads (the sender's probes, the loop's pong and close), so each takes
/// <see cref="_sendLock"/>: a frame is never interleaved with another. The lock is uncontended but for the rare pong.
/// </remarks>
internal sealed class LatencyLoop(BenchConnection connection, LatencyRecorder recorder) : ConnectionLoop(connection, ProbeLength)
{
    /// <summary>Bytes at the start of a probe's payload: when it was due, then when it was sent (Stopwatch ticks, little-endian).</summary>
    public const int ProbeLength = 16;

    private readonly Lock _sendLock = new();
    private long _received;

    /// <summary>Echoes received so far (in any period); read from other threads while the loop runs.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Whether the loop ended early (the probe sender skips it).</summary>
    public bool Failed => Failure is not null;

    /// <summary>Writes one probe frame synchronously; false when the connection is gone.</summary>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        try
        {
            lock (_sendLock)
            {
                Connection.Socket.Send(frame);
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    protected override bool SendsOwnClose => false;

    protected override void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt)
    {
        Volatile.Write(ref _received, _received + 1);
        if (prefix.Length >= ProbeLength)
        {
            recorder.Record(BinaryPrimitives.ReadInt64LittleEndian(prefix), BinaryPrimitives.ReadInt64LittleEndian(prefix[8..]), receivedAt);
        }
    }

    protected override ValueTask SendControlAsync(byte[] frame)
    {
        lock (_sendLock)
        {
            Connection.Socket.Send(frame);
        }

        return default;
    }
}
