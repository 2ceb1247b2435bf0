using System.Text;
using System.Threading.Channels;
using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;

namespace Pulse.Redis.Tests;

/// <summary>What one engine (one node) delivered, in order, and the control messages it carried out.</summary>
internal sealed class RecordingHandler : IBrokerHandler, IClusterHandler
{
    private readonly Channel<string> _deliveries = Channel.CreateUnbounded<string>();
    private int _concurrent;

    public List<string> Disconnected { get; } = [];

    public bool OverlapSeen { get; private set; }

    public void HandlePublication(string channel, string epoch, Publication publication)
    {
        // Calls must never overlap: count what runs at once.
        OverlapSeen |= Interlocked.Increment(ref _concurrent) > 1;
        _deliveries.Writer.TryWrite($"{channel} {publication.Offset} {Encoding.UTF8.GetString(publication.Data.Span)}");
        Interlocked.Decrement(ref _concurrent);
    }

    public void HandleJoinLeave(string channel, bool join, ClientInfo info) =>
        _deliveries.Writer.TryWrite($"{channel} {(join ? "join" : "leave")} {info.Client}");

    public int DisconnectUserHere(string user, Pulse.CloseCode code, string reason)
    {
        lock (Disconnected)
        {
            Disconnected.Add($"{user} {(int)code} {reason}");
        }

        return 1;
    }

    public NodeStats GetStats() => new(7, 3);

    public async Task<string[]> NextAsync(int count)
    {
        var items = new string[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = await _deliveries.Reader.ReadAsync();
        }

        return items;
    }

    public bool TryNext(out string? item) => _deliveries.Reader.TryRead(out item);
}
