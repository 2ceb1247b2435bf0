using System.Text.Json;
using Pulse;
using Pulse.Protocol;

namespace Examples.Counter;

/// <summary>
/// The shared counter: <c>{"action":"plus"|"minus"}</c> changes the value; every client gets
/// <c>{"type":"state","value":N}</c> on each change and <c>{"type":"users","count":N}</c> whenever someone comes or
/// goes. The page that drives it is served at <c>/</c> on the same port, through <see cref="ServerOptions.ProcessRequest"/>.
/// </summary>
public sealed class CounterServer : IAsyncDisposable
{
    private static readonly byte[] s_page = ReadPage();

    // Changes and their broadcasts happen under one lock, so every client sees the same sequence of values.
    private readonly HashSet<WebSocketConnection> _users = [];
    private int _value;
    private WebSocketServer? _server;

    public int Port => _server!.Port;

    /// <summary>Starts the counter; <paramref name="origins"/>, when given, are the only pages allowed to connect (others get 403).</summary>
    public static async Task<CounterServer> StartAsync(int port, IList<string>? origins = null)
    {
        var counter = new CounterServer();
        var options = new ServerOptions { ProcessRequest = ServePage, Origins = origins };
        counter._server = await WebSocketServer.StartAsync(counter.UserAsync, "127.0.0.1", port, options);
        return counter;
    }

    public Task StopAsync() => _server!.StopAsync();

    public ValueTask DisposeAsync() => _server!.DisposeAsync();

    private async Task UserAsync(WebSocketConnection ws)
    {
        lock (_users)
        {
            _users.Add(ws);
            Broadcast.Send(_users, UsersEvent());
            Broadcast.Send([ws], StateEvent());
        }

        try
        {
            await foreach (var message in ws)
            {
                var change = ReadAction(message) switch
                {
                    "plus" => 1,
                    "minus" => -1,
                    _ => 0,
                };
                if (change == 0)
                {
                    Console.WriteLine($"unsupported event: {message}");
                    continue;
                }

                lock (_users)
                {
                    _value += change;
                    Broadcast.Send(_users, StateEvent());
                }
            }
        }
        finally
        {
            lock (_users)
            {
                _users.Remove(ws);
                Broadcast.Send(_users, UsersEvent());
            }
        }
    }

    private string StateEvent() => JsonSerializer.Serialize(new { type = "state", value = _value });

    private string UsersEvent() => JsonSerializer.Serialize(new { type = "users", count = _users.Count });

    private static string? ReadAction(Message message)
    {
        try
        {
            using var json = JsonDocument.Parse(message.Data);
            return json.RootElement is { ValueKind: JsonValueKind.Object } root
                && root.TryGetProperty("action", out var action)
                && action.ValueKind == JsonValueKind.String
                ? action.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Plain HTTP before any upgrade: the page on GET /, 404 otherwise; null lets WebSocket upgrades through.
    private static HandshakeResponse? ServePage(HandshakeRequest request)
    {
        if (request.Headers.Contains("Upgrade"))
        {
            return null;
        }

        if (request.Method != "GET" || request.Path != "/")
        {
            return HandshakeResponse.Text(404, "Not found\n");
        }

        var headers = new HeaderFields();
        headers.Add("Content-Type", "text/html; charset=utf-8");
        return new HandshakeResponse(200, "OK", headers, s_page);
    }

    private static byte[] ReadPage()
    {
        using var stream = typeof(CounterServer).Assembly.GetManifestResourceStream("index.html")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
