using Pulse.Hub.Engines;
using Pulse.Testing.Contracts;

namespace Pulse.Redis.Tests;

/// <summary>What one engine (one node) delivered, in order (the contract suites' recorder), and the control messages it carried out.</summary>
internal sealed class RecordingHandler : RecordingBrokerHandler, IClusterHandler
{
    public List<string> Disconnected { get; } = [];

    public int DisconnectUserHere(string user, Pulse.CloseCode code, string reason)
    {
        lock (Disconnected)
        {
            Disconnected.Add($"{user} {(int)code} {reason}");
        }

        return 1;
    }

    public NodeStats GetStats() => new(7, 3);
}
