namespace Pulse.Hub.Protocol;

/// <summary>A connected client as presence and join/leave events show it.</summary>
/// <param name="Client">The connection's client id.</param>
/// <param name="User">The authenticated user, or empty for an anonymous client.</param>
public readonly record struct ClientInfo(string Client, string User);
