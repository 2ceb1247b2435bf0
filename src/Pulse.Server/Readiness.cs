using Pulse.Protocol;

namespace Pulse.Server;

/// <summary>What <c>/readyz</c> says: ready once started, not ready again from the first moment of a drain.</summary>
internal sealed class Readiness
{
    private volatile ReadinessState _state;

    /// <summary>Why the hub's shared engine cannot be reached now, or null when it can (or there is none).</summary>
    public Func<string?>? EngineProblem { get; set; }

    /// <summary>Whether <c>/readyz</c> answers 200: started, not draining, engine reachable.</summary>
    public bool IsReady => _state == ReadinessState.Ready && EngineProblem?.Invoke() is null;

    public ReadinessState State
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>
    /// A <see cref="ServerOptions.ProcessRequest"/> that answers 503 while draining: a client told to reconnect
    /// elsewhere must not land here again, and no new connection should start on a node about to stop.
    /// </summary>
    public HandshakeResponse? RefuseWhileDraining(HandshakeRequest request) =>
        _state == ReadinessState.Draining ? HandshakeResponse.Text(503, "Failed to open a WebSocket connection: the server is draining.\n") : null;

    /// <summary>The first step of a stop: a load balancer polling <c>/readyz</c> takes the node out of rotation.</summary>
    public Task DrainAsync()
    {
        _state = ReadinessState.Draining;
        return Task.CompletedTask;
    }
}

/// <summary>The states of <see cref="Readiness"/>.</summary>
internal enum ReadinessState
{
    Starting,
    Ready,
    Draining,
}
