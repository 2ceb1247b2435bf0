namespace Pulse.Hub.Client.Internal;

/// <summary>
/// Whether a dropped hub connection is worth opening again, from the close frame the hub sent (CloseCode's
/// rules: "reconnect" codes and "do not retry as is" codes). Pure.
/// </summary>
internal static class ReconnectPolicy
{
    /// <summary>
    /// True when the link failed (no close frame from the hub: a network drop, a keepalive or heartbeat
    /// timeout), the hub went away or restarts (1001, 1012), failed (1011, 1014) or asked to come back later
    /// (1013, such as a recovery buffer overflow), or the token expired (1008 <c>token expired</c>: the token
    /// provider may give a fresh one). False when the hub closed for good: 1000, other 1008s (disconnected by
    /// the server, too many errors, authentication required), protocol and size errors, application codes.
    /// </summary>
    public static bool ShouldReconnect(CloseFrame? received) => received switch
    {
        null => true,
        { Code: CloseCode.GoingAway or CloseCode.InternalError or CloseCode.ServiceRestart or CloseCode.TryAgainLater or CloseCode.BadGateway or CloseCode.AbnormalClosure } => true,
        { Code: CloseCode.PolicyViolation, Reason: "token expired" } => true,
        _ => false,
    };
}
