using System.Text.Json;
using Pulse.Hub.Engines;
using StackExchange.Redis;

namespace Pulse.Redis.Engine;

public sealed partial class RedisEngine
{
    /// <inheritdoc/>
    public void SetHandler(IClusterHandler handler) => _clusterHandler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <inheritdoc/>
    public async Task<int> DisconnectUserAsync(string user, CloseCode code, string reason, CancellationToken cancellationToken = default)
    {
        var message = JsonSerializer.SerializeToUtf8Bytes(new ControlMessage("disconnect", NodeId, user, (int)code, reason));
        var receivers = await Subscriber.PublishAsync(RedisChannel.Literal(_keys.Control), message).WaitAsync(cancellationToken).ConfigureAwait(false);

        // Every node listens, this one too. In a Redis Cluster the count covers only the shard that took the
        // message (it is forwarded to the others), so the registry says how many nodes there are.
        return IsCluster
            ? (await GetNodesAsync(cancellationToken).ConfigureAwait(false)).Count(node => node.Id != NodeId)
            : (int)Math.Max(receivers - 1, 0);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<NodeInfo>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        var database = Database;
        var ids = (await database.SetMembersAsync(_keys.Nodes).WaitAsync(cancellationToken).ConfigureAwait(false)).Select(id => (string)id!).Order(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        // One GET each (not MGET): in a Redis Cluster the records live in different slots.
        var records = await Task.WhenAll(ids.Select(id => database.StringGetAsync(_keys.Node(id)))).WaitAsync(cancellationToken).ConfigureAwait(false);
        var nodes = new List<NodeInfo>(ids.Length);
        var gone = new List<RedisValue>();
        for (var i = 0; i < ids.Length; i++)
        {
            NodeInfo? node = null;
            if (!records[i].IsNull)
            {
                try
                {
                    node = JsonSerializer.Deserialize<NodeInfo>((byte[])records[i]!);
                }
                catch (JsonException)
                {
                }
            }

            if (node is null)
            {
                gone.Add(ids[i]); // its heartbeat expired: the node died without leaving
            }
            else
            {
                nodes.Add(node);
            }
        }

        if (gone.Count > 0)
        {
            await database.SetRemoveAsync(_keys.Nodes, [.. gone]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return nodes;
    }

    private async Task HeartbeatAsync()
    {
        var stopping = _stopping.Token;
        using var timer = new PeriodicTimer(_options.NodeHeartbeat, _time);
        do
        {
            await BeatAsync(stopping).ConfigureAwait(false);
        }
        while (await WaitAsync(timer, stopping).ConfigureAwait(false));
    }

    /// <summary>Writes this node's record, expiring after three heartbeats unless written again.</summary>
    private async Task BeatAsync(CancellationToken stopping)
    {
        if (_redis is not { IsConnected: true } redis || stopping.IsCancellationRequested)
        {
            return; // announced on connecting
        }

        var stats = _clusterHandler?.GetStats() ?? default;
        var record = JsonSerializer.SerializeToUtf8Bytes(new NodeInfo(NodeId, Address, stats.Connections, stats.Channels, _startedAt, Now()));
        try
        {
            var database = redis.GetDatabase();
            await Task.WhenAll(
                database.StringSetAsync(_keys.Node(NodeId), record, _options.NodeHeartbeat * 3),
                database.SetAddAsync(_keys.Nodes, NodeId)).WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Log.HeartbeatFailed(_logger, e.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void HandleControl(RedisValue payload)
    {
        ControlMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<ControlMessage>((byte[])payload!);
        }
        catch (JsonException e)
        {
            Log.BadMessage(_logger, _keys.Control, e.Message);
            return;
        }

        if (message is { Type: "disconnect", User: { } user } && message.Origin != NodeId)
        {
            _clusterHandler?.DisconnectUserHere(user, (CloseCode)message.Code, message.Reason ?? "disconnected by the server");
        }
    }

    /// <summary>A message between nodes on the control channel.</summary>
    private sealed record ControlMessage(string Type, string Origin, string? User, int Code, string? Reason);
}
