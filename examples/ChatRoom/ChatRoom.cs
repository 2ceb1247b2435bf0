using System.Web;
using Pulse;

namespace Examples.ChatRoom;

/// <summary>
/// A chat room: each text message goes to every other member, joins and leaves are announced, and keepalive
/// pings remove members whose connection vanished without a close (a laptop lid shut, a cable pulled).
/// </summary>
public sealed class ChatRoom : IAsyncDisposable
{
    // Codes 4000-4999 are the application's own (RFC 6455 §7.4.2).
    public const CloseCode NameTaken = (CloseCode)4001;

    // Every room event happens under this lock, and Broadcast.Send queues without awaiting, so all members
    // see the events in one order.
    private readonly Dictionary<WebSocketConnection, string> _members = [];
    private WebSocketServer? _server;

    public int Port => _server!.Port;

    public static async Task<ChatRoom> StartAsync(int port, ServerOptions? options = null)
    {
        options ??= new ServerOptions
        {
            // Keepalive: a ping every 10 s; a member whose pong does not come within 10 s is closed with 1011.
            PingInterval = TimeSpan.FromSeconds(10),
            PingTimeout = TimeSpan.FromSeconds(10),

            // Limits: a chat line is short (a longer message closes the connection with 1009); at most 16 lines
            // wait to be relayed before Pulse stops reading from that member; a member more than 64 KiB behind
            // on what the room sends is closed by Broadcast with 1013, rather than buffered for.
            MaxMessageSize = 4 * 1024,
            MaxQueue = 16,
            WriteLimit = 64 * 1024,
        };
        var room = new ChatRoom();
        room._server = await WebSocketServer.StartAsync(room.MemberAsync, "127.0.0.1", port, options);
        return room;
    }

    public Task StopAsync() => _server!.StopAsync();

    public ValueTask DisposeAsync() => _server!.DisposeAsync();

    private async Task MemberAsync(WebSocketConnection ws)
    {
        // ws://127.0.0.1:8003/?name=alice
        var name = HttpUtility.ParseQueryString(ws.Request.Query ?? "")["name"]?.Trim() is { Length: > 0 and <= 32 } given
            ? given
            : $"guest-{ws.Id}";
        bool taken;
        lock (_members)
        {
            taken = _members.ContainsValue(name);
            if (!taken)
            {
                var here = _members.Count == 0 ? "nobody else" : string.Join(", ", _members.Values);
                Broadcast.Send([ws], $"* welcome {name}; here: {here}");
                Broadcast.Send(_members.Keys, $"* {name} joined");
                _members.Add(ws, name);
            }
        }

        if (taken)
        {
            await ws.CloseAsync(NameTaken, $"the name {name} is taken");
            return;
        }

        try
        {
            await foreach (var message in ws)
            {
                if (message.IsText)
                {
                    lock (_members)
                    {
                        Broadcast.Send(_members.Keys.Where(member => member != ws), $"{name}: {message.Text}");
                    }
                }
            }
        }
        finally
        {
            // Reached on a normal close, an error close, and a keepalive timeout (1011) alike.
            lock (_members)
            {
                _members.Remove(ws);
                Broadcast.Send(_members.Keys, $"* {name} left");
            }
        }
    }
}
