using Pulse;

namespace Examples.Secure;

public static class SecureClient
{
    /// <summary>
    /// Sends <paramref name="name"/> over wss and returns the greeting, trusting exactly the certificate in
    /// <paramref name="certificateDirectory"/>: not the system's roots, and not any other certificate.
    /// </summary>
    public static async Task<string> GreetAsync(Uri uri, string name, string certificateDirectory)
    {
        var options = new ClientOptions { TrustedCertificates = [SelfSignedCertificate.LoadPublic(certificateDirectory)] };
        await using var ws = await WebSocketClient.ConnectAsync(uri, options);
        await ws.SendAsync(name);
        return (await ws.ReceiveAsync()).Text;
    }
}
