namespace Pulse.Server;

/// <summary>Placeholder, replaced by the host.</summary>
public static class PulseServer
{
}
