using Pulse.Hub.Protocol;

namespace Pulse.Redis.Engine;

public sealed partial class RedisEngine
{
    /// <inheritdoc/>
    public async Task AddAsync(string channel, ClientInfo info, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        await RedisScripts.PresenceAdd.RunAsync(
            ShardOf(channel).Commands,
            [_keys.Presence(channel), _keys.PresenceExpiry(channel)],
            [info.Client, RedisWireFormat.EncodeClient(info), Math.Max((long)ttl.TotalMilliseconds, 1)],
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task RemoveAsync(string channel, string clientId, CancellationToken cancellationToken = default) =>
        await ShardOf(channel).Commands.ExecuteBatchAsync(
            [["HDEL", _keys.Presence(channel), clientId], ["ZREM", _keys.PresenceExpiry(channel), clientId]],
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ClientInfo>> GetAsync(string channel, CancellationToken cancellationToken = default)
    {
        var reply = await RedisScripts.PresenceGet.RunAsync(
            ShardOf(channel).Commands,
            [_keys.Presence(channel), _keys.PresenceExpiry(channel)],
            [],
            cancellationToken).ConfigureAwait(false);
        var clients = new List<ClientInfo>(reply.Items.Count);
        foreach (var entry in reply.Items)
        {
            try
            {
                clients.Add(RedisWireFormat.DecodeClient(entry.Bytes.Span));
            }
            catch (FormatException e)
            {
                Log.BadMessage(_logger, channel, e.Message);
            }
        }

        return clients;
    }
}
