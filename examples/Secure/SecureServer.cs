using Pulse;

namespace Examples.Secure;

/// <summary>The Hello server over wss, with a self-signed certificate made on first run.</summary>
public static class SecureServer
{
    public static Task<WebSocketServer> StartAsync(int port, string certificateDirectory)
    {
        var options = new ServerOptions { Certificate = SelfSignedCertificate.LoadOrCreate(certificateDirectory) };
        return WebSocketServer.StartAsync(HelloAsync, "127.0.0.1", port, options);
    }

    private static async Task HelloAsync(WebSocketConnection ws)
    {
        var name = (await ws.ReceiveAsync()).Text;
        await ws.SendAsync($"Hello {name}!");
    }
}
