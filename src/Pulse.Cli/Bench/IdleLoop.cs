namespace Pulse.Cli.Bench;

/// <summary>One connection of <c>pulse bench idle</c>: sends nothing of its own, answers the server's pings, counts what else comes.</summary>
internal sealed class IdleLoop(BenchConnection connection) : SharedSendLoop(connection, dataPrefixLength: 0)
{
    private int _messages;

    /// <summary>Data messages received so far (the echo of the one message sent with <c>--extensions</c>).</summary>
    public int Messages => Volatile.Read(ref _messages);

    protected override void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt) => Interlocked.Increment(ref _messages);
}
