namespace Pulse.Cli.Bench;

/// <summary>One connection of <c>pulse bench idle</c>: sends nothing, answers the server's pings, ignores anything else.</summary>
internal sealed class IdleLoop(BenchConnection connection) : SharedSendLoop(connection, dataPrefixLength: 0)
{
    protected override void OnMessage(ReadOnlySpan<byte> prefix, long receivedAt)
    {
    }
}
