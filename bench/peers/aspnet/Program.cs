// A plain ASP.NET Core WebSockets server with /echo and /broadcast, as bench/compare.sh measures it:
// System.Net.WebSockets on Kestrel, the way its documentation shows, no Pulse. Usage: AspNetPeer PORT.
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;

var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
var room = new ConcurrentDictionary<WebSocket, SemaphoreSlim>();

app.Map("/echo", async context =>
{
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = new byte[16 * 1024];
    while (true)
    {
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return;
        }

        await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
    }
});

// Every message to every other connection. A WebSocket allows one send at a time, hence a lock per connection.
app.Map("/broadcast", async context =>
{
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    using var sendLock = new SemaphoreSlim(1);
    room[socket] = sendLock;
    var buffer = new byte[16 * 1024];
    try
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                room.TryRemove(socket, out _);
                await sendLock.WaitAsync();
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            var message = buffer.AsMemory(0, result.Count);
            foreach (var (other, otherLock) in room)
            {
                if (other == socket)
                {
                    continue;
                }

                try
                {
                    await otherLock.WaitAsync();
                }
                catch (ObjectDisposedException)
                {
                    continue; // that connection has just ended
                }

                try
                {
                    await other.SendAsync(message, result.MessageType, result.EndOfMessage, CancellationToken.None);
                }
                catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
                {
                    // That connection is going away; its own loop removes it.
                }
                finally
                {
                    otherLock.Release();
                }
            }
        }
    }
    finally
    {
        room.TryRemove(socket, out _);
    }
});

await app.RunAsync();
