using System.Text.Json;
using Pulse.Hub.Engines;
using Pulse.Redis.Client;

namespace Pulse.Redis.Engine;

public sealed partial class RedisEngine
{
    /// <inheritdoc/>
    public void SetHandler(IClusterHandler handler) => _clusterHandler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <inheritdoc/>
    public async Task<int> DisconnectUserAsync(string user, CloseCode code, string reason, CancellationToken cancellationToken = default)
    {
        var message = JsonSerializer.SerializeToUtf8Bytes(new ControlMessage("disconnect", NodeId, user, (int)code, reason));
        var reply = await _shards[0].Commands.ExecuteAsync(["PUBLISH", _keys.Control, message], cancellationToken).ConfigureAwait(false);

        // Every node listens, this one too.
        return (int)Math.Max(reply.AsInt64() - 1, 0);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<NodeInfo>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        var commands = _shards[0].Commands;
        var ids = (await commands.ExecuteAsync(["SMEMBERS", _keys.Nodes], cancellationToken).ConfigureAwait(false)).Items.Select(id => id.AsString()!).Order(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var records = await commands.ExecuteAsync(["MGET", .. ids.Select(id => (Resp.RedisArg)_keys.Node(id))], cancellationToken).ConfigureAwait(false);
        var nodes = new List<NodeInfo>(ids.Length);
        var gone = new List<Resp.RedisArg>();
        for (var i = 0; i < ids.Length; i++)
        {
            var record = records.Items[i];
            NodeInfo? node = null;
            if (!record.IsNull)
            {
                try
                {
                    node = JsonSerializer.Deserialize<NodeInfo>(record.Bytes.Span);
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
            await commands.ExecuteAsync(["SREM", _keys.Nodes, .. gone], cancellationToken).ConfigureAwait(false);
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
        if (!_shards[0].Commands.IsConnected)
        {
            return; // announced on connecting
        }

        var stats = _clusterHandler?.GetStats() ?? default;
        var record = JsonSerializer.SerializeToUtf8Bytes(new NodeInfo(NodeId, Address, stats.Connections, stats.Channels, _startedAt, Now()));
        try
        {
            await _shards[0].Commands.ExecuteBatchAsync(
                [
                    ["SET", _keys.Node(NodeId), record, "PX", (long)(_options.NodeHeartbeat.TotalMilliseconds * 3)],
                    ["SADD", _keys.Nodes, NodeId],
                ],
                stopping).ConfigureAwait(false);
        }
        catch (RedisException e)
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

    private void HandleControl(ReadOnlyMemory<byte> payload)
    {
        ControlMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<ControlMessage>(payload.Span);
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
