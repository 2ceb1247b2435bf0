using System.Globalization;
using Pulse;

namespace Examples.Reconnect;

/// <summary>A server to restart while the client runs: greets each connection, then sends a tick every second.</summary>
public static class ReconnectServer
{
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="name">Names this run of the server in its messages; by default, the time it started.</param>
    /// <param name="interval">Time between ticks; one second by default.</param>
    public static Task<WebSocketServer> StartAsync(int port, string? name = null, TimeSpan? interval = null)
    {
        name ??= $"the server started at {DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}";
        var pause = interval ?? TimeSpan.FromSeconds(1);
        return WebSocketServer.StartAsync(
            async ws =>
            {
                await ws.SendAsync($"hello from {name}");
                for (var tick = 1; ; tick++)
                {
                    if (await Task.WhenAny(Task.Delay(pause), ws.Closed) == ws.Closed)
                    {
                        return;
                    }

                    await ws.SendAsync($"tick {tick} from {name}");
                }
            },
            "127.0.0.1",
            port);
    }
}
