namespace Pulse.Server;

/// <summary>Where <c>pulse serve</c> keeps the hub's channels, history and presence.</summary>
public enum HubEngine
{
    /// <summary>In this process: one node.</summary>
    Memory,

    /// <summary>In Redis: several nodes act as one.</summary>
    Redis,
}
