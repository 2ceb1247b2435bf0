using System.Text;
using System.Threading.Channels;
using Pulse.Hub.Engines;
using Pulse.Hub.Protocol;

namespace Pulse.Testing.Contracts;

/// <summary>What a broker delivered to one node, in order, as "channel offset data" and "channel join client".</summary>
public class RecordingBrokerHandler : IBrokerHandler
{
    private readonly Channel<string> _deliveries = Channel.CreateUnbounded<string>();
    private int _concurrent;

    /// <summary>Whether two deliveries ever ran at once (they must not, for one channel).</summary>
    public bool OverlapSeen { get; private set; }

    public void HandlePublication(string channel, string epoch, Publication publication)
    {
        OverlapSeen |= Interlocked.Increment(ref _concurrent) > 1;
        _deliveries.Writer.TryWrite($"{channel} {publication.Offset} {Encoding.UTF8.GetString(publication.Data.Span)}");
        Interlocked.Decrement(ref _concurrent);
    }

    public void HandleJoinLeave(string channel, bool join, ClientInfo info) =>
        _deliveries.Writer.TryWrite($"{channel} {(join ? "join" : "leave")} {info.Client}");

    /// <summary>The next <paramref name="count"/> deliveries, waiting (bounded) for them.</summary>
    public async Task<string[]> NextAsync(int count)
    {
        var items = new string[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = await _deliveries.Reader.ReadAsync().AsTask().DefaultTimeout();
        }

        return items;
    }

    public bool TryNext(out string? item) => _deliveries.Reader.TryRead(out item);
}
