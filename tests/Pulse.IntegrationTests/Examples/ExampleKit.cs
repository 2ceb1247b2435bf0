using System.Text;
using System.Threading.Channels;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>
/// Stands in for the console of an example that reports what happens (<c>TextWriter log</c>): each line written
/// can be awaited, so a test waits for the event itself rather than for time to pass.
/// </summary>
internal sealed class LogLines : TextWriter
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _partial = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_partial)
        {
            if (value != '\n')
            {
                _partial.Append(value);
                return;
            }

            _lines.Writer.TryWrite(_partial.ToString().TrimEnd('\r'));
            _partial.Clear();
        }
    }

    // Whole lines in one piece, even when several connections log at once.
    public override void WriteLine(string? value) => _lines.Writer.TryWrite(value ?? "");

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    /// <summary>Reads logged lines until one contains <paramref name="text"/>, and returns it.</summary>
    public async Task<string> WaitForAsync(string text)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var line = await _lines.Reader.ReadAsync(deadline.Token);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }
}

internal static class ExampleKit
{
    public static Uri Ws(int port, string pathAndQuery = "/") => new($"ws://127.0.0.1:{port}{pathAndQuery}");

    public static async Task<string> ReceiveTextAsync(this WebSocketConnection ws) => (await ws.ReceiveAsync().DefaultTimeout()).Text;

    /// <summary>Receives text messages until one satisfies <paramref name="match"/>; returns all of them, that one last.</summary>
    public static async Task<List<string>> ReceiveUntilAsync(this WebSocketConnection ws, Func<string, bool> match)
    {
        var received = new List<string>();
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        do
        {
            received.Add((await ws.ReceiveAsync(deadline.Token)).Text);
        }
        while (!match(received[^1]));
        return received;
    }
}
