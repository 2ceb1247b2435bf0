using StackExchange.Redis;
using ClientInfo = Pulse.Hub.Protocol.ClientInfo;

namespace Pulse.Redis.Engine;

public sealed partial class RedisEngine
{
    /// <inheritdoc/>
    public async Task AddAsync(string channel, ClientInfo info, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        await RedisScripts.PresenceAdd.RunAsync(
            Database,
            [_keys.Presence(channel), _keys.PresenceExpiry(channel)],
            [info.Client, RedisWireFormat.EncodeClient(info), Math.Max((long)ttl.TotalMilliseconds, 1)]).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task RemoveAsync(string channel, string clientId, CancellationToken cancellationToken = default) =>
        await RedisScripts.PresenceRemove.RunAsync(
            Database,
            [_keys.Presence(channel), _keys.PresenceExpiry(channel)],
            [clientId]).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ClientInfo>> GetAsync(string channel, CancellationToken cancellationToken = default)
    {
        var reply = (RedisResult[])(await RedisScripts.PresenceGet.RunAsync(
            Database,
            [_keys.Presence(channel), _keys.PresenceExpiry(channel)],
            []).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var clients = new List<ClientInfo>(reply.Length);
        foreach (var entry in reply)
        {
            try
            {
                clients.Add(RedisWireFormat.DecodeClient((byte[])entry!));
            }
            catch (FormatException e)
            {
                Log.BadMessage(_logger, channel, e.Message);
            }
        }

        return clients;
    }
}
