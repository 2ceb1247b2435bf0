using System.Net.Sockets;

namespace Pulse.Cli.Bench;

/// <summary>
/// A connection loop whose messages are sent from other threads (a probe sender, a publisher, the scenario's
/// closing step) while the loop itself sends only pongs. Every send takes <see cref="_sendLock"/>, so a frame is
/// never interleaved with another; the lock is uncontended but for the rare pong.
/// </summary>
/// <remarks>The loop does not close on its own: the scenario calls <see cref="ConnectionLoop.SendCloseAsync"/> once its sender is done.</remarks>
internal abstract class SharedSendLoop(BenchConnection connection, int dataPrefixLength) : ConnectionLoop(connection, dataPrefixLength)
{
    private readonly Lock _sendLock = new();

    /// <summary>Whether the loop ended early (senders skip it).</summary>
    public bool Failed => Failure is not null;

    /// <summary>Writes one frame synchronously; false when the connection is gone.</summary>
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

    protected override ValueTask SendControlAsync(byte[] frame)
    {
        lock (_sendLock)
        {
            Connection.Socket.Send(frame);
        }

        return default;
    }
}
