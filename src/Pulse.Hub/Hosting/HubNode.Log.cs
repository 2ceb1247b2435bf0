using Microsoft.Extensions.Logging;

namespace Pulse.Hub.Hosting;

public sealed partial class HubNode
{
    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Debug, "Hub client {ClientId} connected: user '{User}' from {RemoteAddress} ({Subprotocol})", EventName = "HubClientConnected")]
        public static partial void Connected(ILogger logger, string clientId, string user, string remoteAddress, string subprotocol);

        [LoggerMessage(201, LogLevel.Warning, "Hub client {ClientId}: {Channel} offset {Offset} was not acknowledged after {Attempts} attempts", EventName = "MessageUndeliverable")]
        public static partial void Undeliverable(ILogger logger, string clientId, string channel, long offset, int attempts);

        [LoggerMessage(202, LogLevel.Error, "Hub client {ClientId}: engine request {Request} failed", EventName = "EngineFailed")]
        public static partial void EngineFailed(ILogger logger, string clientId, string request, Exception exception);

        [LoggerMessage(204, LogLevel.Debug, "Hub client {ClientId} disconnected: user '{User}', close code {CloseCode} {CloseReason}", EventName = "HubConnectionClosed")]
        public static partial void Disconnected(ILogger logger, string clientId, string user, int closeCode, string closeReason);

        [LoggerMessage(203, LogLevel.Warning, "Refreshing presence in {Channel} failed", EventName = "PresenceRefreshFailed")]
        public static partial void PresenceRefreshFailed(ILogger logger, string channel, Exception exception);
    }
}
