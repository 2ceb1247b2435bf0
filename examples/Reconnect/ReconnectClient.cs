using System.Runtime.CompilerServices;
using Pulse;

namespace Examples.Reconnect;

public static class ReconnectClient
{
    /// <summary>
    /// Every text message from the server, across restarts of the server: when the connection drops, connects
    /// again with exponential backoff and jitter (<see cref="WebSocketClient.ConnectForeverAsync"/>), and goes on.
    /// Ends only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async IAsyncEnumerable<string> ReceiveForeverAsync(Uri uri, ClientOptions options, TextWriter log, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var ws in WebSocketClient.ConnectForeverAsync(uri, options, cancellationToken))
        {
            await log.WriteLineAsync($"connected to {uri}");
            while (true)
            {
                Message message;
                try
                {
                    message = await ws.ReceiveAsync(cancellationToken);
                }
                catch (ConnectionClosedException e)
                {
                    // OK (1000, 1001: a server restarting says "going away") or not, the next iteration reconnects.
                    await log.WriteLineAsync($"disconnected: {e.Message}; reconnecting");
                    break;
                }

                yield return message.Text;
            }
        }
    }
}
