using System.Net.Sockets;

namespace Pulse.Cli.Bench;

/// <summary>
/// One connection of <c>pulse bench echo</c>: keeps a fixed number of messages in flight by sending one new
/// message for every echo, all the echoes of one read answered in one write.
/// </summary>
/// <remarks>The loop is the only sender on its socket, so its sends never overlap.</remarks>
internal sealed class EchoLoop : ConnectionLoop
{
    private readonly byte[] _frames;
    private readonly int _frameLength;
    private readonly int _inflight;
    private long _echoes;
    private int _pending;

    /// <param name="connection">An open connection.</param>
    /// <param name="frames"><paramref name="inflight"/> copies of the message frame, back to back; shared, read-only.</param>
    /// <param name="inflight">Messages kept in flight.</param>
    public EchoLoop(BenchConnection connection, byte[] frames, int inflight)
        : base(connection, dataPrefixLength: 0)
    {
        _frames = frames;
        _inflight = inflight;
        _frameLength = frames.Length / inflight;
    }

    /// <summary>Echoes received so far; read from other threads while the loop runs.</summary>
    public long Echoes => Volatile.Read(ref _echoes);

    protected override async ValueTask StartAsync() =>
        await Connection.Socket.SendAsync(_frames.AsMemory(), SocketFlags.None).ConfigureAwait(false);

    protected override void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt) => _pending++;

    protected override async ValueTask AfterReadAsync()
    {
        var count = _pending;
        _pending = 0;
        Volatile.Write(ref _echoes, _echoes + count);
        while (count > 0)
        {
            var batch = Math.Min(count, _inflight);
            await Connection.Socket.SendAsync(_frames.AsMemory(0, batch * _frameLength), SocketFlags.None).ConfigureAwait(false);
            count -= batch;
        }
    }

    protected override async ValueTask SendControlAsync(byte[] frame) =>
        await Connection.Socket.SendAsync(frame.AsMemory(), SocketFlags.None).ConfigureAwait(false);
}
