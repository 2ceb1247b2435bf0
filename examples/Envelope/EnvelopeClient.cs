using Pulse;

namespace Examples.Envelope;

/// <summary>
/// An interactive client: each line typed is published (a line starting with <c>{</c> is sent as it is, to try the
/// server's error replies); what arrives is printed once, and acknowledged when it asks for it.
/// </summary>
public static class EnvelopeClient
{
    public static async Task RunAsync(Uri uri, TextReader input, TextWriter output)
    {
        await using var ws = await WebSocketClient.ConnectAsync(uri);
        var receiving = ReceiveAsync(ws, new Inbox(), output);
        var requests = 0;
        while (await input.ReadLineAsync() is { } line)
        {
            await ws.SendAsync(line.StartsWith('{')
                ? line
                : new Envelope("publish", $"c{++requests}", Envelope.UnixNow, Envelope.ToPayload(new { text = line })).ToJson());
        }

        await ws.CloseAsync();
        await receiving;
    }

    private static async Task ReceiveAsync(WebSocketConnection ws, Inbox inbox, TextWriter output)
    {
        await foreach (var message in ws)
        {
            var (deliver, ack) = inbox.Receive(message.Text, Envelope.UnixNow);
            if (ack is not null)
            {
                await ws.SendAsync(ack);
            }

            if (deliver is not null)
            {
                await output.WriteLineAsync($"< {deliver.Type} {deliver.Id ?? "-"} {deliver.Payload}");
            }
        }
    }
}
