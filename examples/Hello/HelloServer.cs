using Pulse;

namespace Examples.Hello;

/// <summary>Receives a name and answers <c>Hello name!</c>, like websockets' first example.</summary>
public static class HelloServer
{
    public static Task<WebSocketServer> StartAsync(int port) =>
        WebSocketServer.StartAsync(HelloAsync, "127.0.0.1", port);

    public static async Task HelloAsync(WebSocketConnection ws)
    {
        var name = (await ws.ReceiveAsync()).Text;
        Console.WriteLine($"<<< {name}");

        var greeting = $"Hello {name}!";
        await ws.SendAsync(greeting);
        Console.WriteLine($">>> {greeting}");

        // Returning closes the connection normally (1000).
    }
}
