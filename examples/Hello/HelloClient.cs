using Pulse;

namespace Examples.Hello;

public static class HelloClient
{
    /// <summary>Sends <paramref name="name"/> and returns the server's greeting.</summary>
    public static async Task<string> GreetAsync(Uri uri, string name)
    {
        await using var ws = await WebSocketClient.ConnectAsync(uri);
        await ws.SendAsync(name);
        return (await ws.ReceiveAsync()).Text;
    }
}
