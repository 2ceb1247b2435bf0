using Pulse;

namespace Examples.Echo;

/// <summary>Sends every message back to its sender, text as text and binary as binary.</summary>
public static class EchoServer
{
    public static Task<WebSocketServer> StartAsync(int port) =>
        WebSocketServer.StartAsync(EchoAsync, "127.0.0.1", port);

    public static async Task EchoAsync(WebSocketConnection ws)
    {
        // Ends quietly when the client closes normally. An abnormal end throws ConnectionClosedErrorException,
        // which Pulse takes as the handler's ordinary way out.
        await foreach (var message in ws)
        {
            await ws.SendAsync(message);
        }
    }
}
