using Microsoft.Extensions.Logging;
using Pulse.Protocol;

namespace Pulse;

public sealed partial class WebSocketConnection
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} opened as {Role}; peer {RemoteAddress}, path {Path}", EventName = "ConnectionOpened")]
        public static partial void Opened(ILogger logger, string connectionId, Role role, string remoteAddress, string path);

        [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} (peer {RemoteAddress}) closed: {CloseCode} {CloseReason}", EventName = "ConnectionClosed")]
        public static partial void Closed(ILogger logger, string connectionId, string remoteAddress, int closeCode, string closeReason);

        [LoggerMessage(3, LogLevel.Error, "Connection {ConnectionId}: the handler failed; closing with 1011", EventName = "HandlerFailed")]
        public static partial void HandlerFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Connection {ConnectionId}: no pong within the ping timeout; closing with 1011", EventName = "PingTimeout")]
        public static partial void PingTimeout(ILogger logger, string connectionId);

        [LoggerMessage(5, LogLevel.Debug, "Connection {ConnectionId}: protocol error from the peer, sent {CloseFrame}", EventName = "ProtocolError")]
        public static partial void ProtocolError(ILogger logger, string connectionId, string closeFrame);

        [LoggerMessage(6, LogLevel.Warning, "Connection {ConnectionId}: over its write limit of {WriteLimit} bytes during a broadcast; closing with 1013", EventName = "SlowConsumerClosed")]
        public static partial void SlowConsumerClosed(ILogger logger, string connectionId, int writeLimit);

        [LoggerMessage(7, LogLevel.Debug, "Connection {ConnectionId}: writing to the transport failed", EventName = "WriteFailed")]
        public static partial void WriteFailed(ILogger logger, string connectionId, Exception exception);
    }
}
