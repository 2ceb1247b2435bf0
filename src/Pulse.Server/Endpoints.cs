namespace Pulse.Server;

/// <summary>The handlers of the plain WebSocket endpoints.</summary>
internal static class Endpoints
{
    /// <summary><c>/echo</c>: every message back to its sender, with its own type.</summary>
    public static async Task EchoAsync(WebSocketConnection connection)
    {
        await foreach (var message in connection.ConfigureAwait(false))
        {
            await connection.SendAsync(message).ConfigureAwait(false);
        }
    }
}
