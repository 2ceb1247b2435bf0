namespace Pulse.Hub.Client;

/// <summary>The client waits <see cref="Delay"/>, then tries to connect again (<see cref="HubClient.Reconnecting"/>).</summary>
public sealed class HubReconnectingEventArgs(int attempt, TimeSpan delay, Exception? lastError) : EventArgs
{
    /// <summary>1 for the first attempt after the connection dropped, then 2, 3…</summary>
    public int Attempt { get; } = attempt;

    /// <summary>How long the client waits before this attempt (backoff with jitter).</summary>
    public TimeSpan Delay { get; } = delay;

    /// <summary>Why the previous attempt failed; null before the first.</summary>
    public Exception? LastError { get; } = lastError;
}
