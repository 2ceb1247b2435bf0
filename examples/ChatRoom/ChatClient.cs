using Pulse;

namespace Examples.ChatRoom;

/// <summary>An interactive client: prints what arrives while sending each line typed.</summary>
public static class ChatClient
{
    public static async Task RunAsync(Uri uri, TextReader input, TextWriter output)
    {
        await using var ws = await WebSocketClient.ConnectAsync(uri);
        var printing = PrintAsync(ws, output);
        try
        {
            while (await input.ReadLineAsync() is { } line)
            {
                if (line.Length > 0)
                {
                    await ws.SendAsync(line);
                }
            }

            await ws.CloseAsync();
        }
        catch (ConnectionClosedException)
        {
            // The server went away while we were typing; PrintAsync says why.
        }

        await printing;
    }

    private static async Task PrintAsync(WebSocketConnection ws, TextWriter output)
    {
        try
        {
            await foreach (var message in ws)
            {
                await output.WriteLineAsync(message.Text);
            }
        }
        catch (ConnectionClosedErrorException e)
        {
            await output.WriteLineAsync($"* disconnected: {e.Message}");
        }
    }
}
