namespace Pulse.Hub.Core;

/// <summary>Where a session is in its life.</summary>
internal enum SessionState
{
    /// <summary>Open, but anonymous access is off and no token has been verified yet.</summary>
    Authenticating,

    /// <summary>Open and allowed to make requests.</summary>
    Connected,

    /// <summary>Closed: inputs are ignored.</summary>
    Closed,
}
