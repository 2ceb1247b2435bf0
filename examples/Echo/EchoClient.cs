using Pulse;

namespace Examples.Echo;

public static class EchoClient
{
    /// <summary>Sends each line of <paramref name="input"/> and writes the echo to <paramref name="output"/>.</summary>
    public static async Task RunAsync(Uri uri, TextReader input, TextWriter output)
    {
        await using var ws = await WebSocketClient.ConnectAsync(uri);
        while (await input.ReadLineAsync() is { } line)
        {
            await ws.SendAsync(line);
            var reply = await ws.ReceiveAsync();
            await output.WriteLineAsync($"< {reply.Text}");
        }

        // Leaving the block closes the connection with 1000 and waits for the server's answer.
    }
}
