namespace Pulse.Hub.Engines;

/// <summary>
/// The nodes of a scaled-out hub, as one service: which nodes are alive (each heartbeats), control messages
/// between them (disconnect a user wherever connected), and whether the shared engine is reachable. Null in
/// <see cref="Hosting.HubOptions.Cluster"/> means a single node.
/// </summary>
/// <remarks>Every call may cross a network: async, may fail. Implementations are thread-safe.</remarks>
public interface ICluster
{
    /// <summary>This node's id, unique among the nodes.</summary>
    string NodeId { get; }

    /// <summary>Whether the shared engine is reachable now; a node that cannot reach it reports not ready.</summary>
    bool IsReachable { get; }

    /// <summary>Sets who carries out control messages and reports this node's figures. Called once by the hub.</summary>
    void SetHandler(IClusterHandler handler);

    /// <summary>Asks every other node to close the connections of <paramref name="user"/>; returns how many nodes were asked.</summary>
    Task<int> DisconnectUserAsync(string user, Pulse.CloseCode code, string reason, CancellationToken cancellationToken = default);

    /// <summary>The nodes alive now (their heartbeat has not expired), this one included.</summary>
    Task<IReadOnlyList<NodeInfo>> GetNodesAsync(CancellationToken cancellationToken = default);
}

/// <summary>What a cluster asks of the hub on this node.</summary>
public interface IClusterHandler
{
    /// <summary>Closes every connection of <paramref name="user"/> on this node; returns how many.</summary>
    int DisconnectUserHere(string user, Pulse.CloseCode code, string reason);

    /// <summary>This node's figures, sent with each heartbeat.</summary>
    NodeStats GetStats();
}

/// <summary>A node's figures at its last heartbeat.</summary>
/// <param name="Connections">Open hub connections.</param>
/// <param name="Channels">Channels with subscribers on the node.</param>
public readonly record struct NodeStats(int Connections, int Channels);

/// <summary>One live node.</summary>
/// <param name="Id">The node's id.</param>
/// <param name="Address">Where it listens, when known.</param>
/// <param name="Connections">Open hub connections at its last heartbeat.</param>
/// <param name="Channels">Channels with subscribers at its last heartbeat.</param>
/// <param name="StartedAt">When it started, Unix milliseconds.</param>
/// <param name="LastSeen">Its last heartbeat, Unix milliseconds.</param>
public sealed record NodeInfo(string Id, string? Address, int Connections, int Channels, long StartedAt, long LastSeen);
