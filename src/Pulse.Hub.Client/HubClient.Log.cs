using Microsoft.Extensions.Logging;

namespace Pulse.Hub.Client;

public sealed partial class HubClient
{
    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Information, "Hub connection {ClientId} to {Uri} ended: {CloseStatus}; reconnecting: {WillReconnect}", EventName = "HubClientDisconnected")]
        public static partial void Disconnected(ILogger logger, Uri uri, string clientId, string closeStatus, bool willReconnect);

        [LoggerMessage(301, LogLevel.Information, "Reconnecting to {Uri} in {DelaySeconds:0.00} s (attempt {Attempt})", EventName = "HubClientReconnecting")]
        public static partial void Reconnecting(ILogger logger, Uri uri, int attempt, double delaySeconds);

        [LoggerMessage(302, LogLevel.Warning, "Reconnecting to {Uri} failed (attempt {Attempt}): {Reason}", EventName = "HubClientReconnectFailed")]
        public static partial void ReconnectFailed(ILogger logger, Uri uri, int attempt, string reason);

        [LoggerMessage(303, LogLevel.Information, "Reconnected to {Uri} as {ClientId}; restoring {Requests} subscriptions and requests", EventName = "HubClientReconnected")]
        public static partial void Reconnected(ILogger logger, Uri uri, string clientId, int requests);

        [LoggerMessage(304, LogLevel.Warning, "The hub client for {Uri} stopped for good: {Reason}", EventName = "HubClientClosed")]
        public static partial void ClosedForGood(ILogger logger, Uri uri, string reason);

        [LoggerMessage(305, LogLevel.Warning, "No pong from {Uri} on connection {ClientId} within {TimeoutSeconds:0.###} s: dropping the link", EventName = "HubClientHeartbeatTimeout")]
        public static partial void HeartbeatTimeout(ILogger logger, Uri uri, string clientId, double timeoutSeconds);

        [LoggerMessage(306, LogLevel.Error, "A handler of the subscription to {Channel} failed", EventName = "HubClientHandlerFailed")]
        public static partial void HandlerFailed(ILogger logger, string channel, Exception exception);

        [LoggerMessage(307, LogLevel.Warning, "Skipped an envelope from {Uri} that this client cannot read: {Problem}", EventName = "HubClientUnreadableEnvelope")]
        public static partial void UnreadableEnvelope(ILogger logger, Uri uri, string problem);

        [LoggerMessage(308, LogLevel.Warning, "The hub at {Uri} sent error {Code} for no pending request: {Message}", EventName = "HubClientUnexpectedError")]
        public static partial void ErrorWithoutRequest(ILogger logger, Uri uri, int code, string message);

        [LoggerMessage(309, LogLevel.Warning, "Resubscribing to {Channel} failed with {Code}: {Message}", EventName = "HubClientResubscribeFailed")]
        public static partial void ResubscribeFailed(ILogger logger, string channel, int code, string message);

        [LoggerMessage(310, LogLevel.Debug, "A message on {Channel} ({MessageId}) has no subscription on this client; dropped", EventName = "HubClientUnroutedMessage")]
        public static partial void MessageWithoutSubscription(ILogger logger, string channel, string messageId);

        [LoggerMessage(311, LogLevel.Error, "An application handler of the {EventArgs} event failed", EventName = "HubClientEventHandlerFailed")]
        public static partial void EventHandlerFailed(ILogger logger, string eventArgs, Exception exception);
    }
}
