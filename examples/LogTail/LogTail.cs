using System.Text;
using Pulse;

namespace Examples.LogTail;

/// <summary>
/// Streams the lines appended to a file to every subscriber, one text message per line, like <c>tail -f</c>. A
/// new subscriber first gets the last 10 lines seen, like <c>tail -n 10 -f</c>.
/// </summary>
public sealed class LogTail : IAsyncDisposable
{
    private const int Backlog = 10;

    // Lines are published and subscribers added under this lock: nobody misses a line or gets one twice.
    // Broadcast.Send and TrySend queue without awaiting, so they may run under it.
    private readonly HashSet<WebSocketConnection> _subscribers = [];
    private readonly Queue<PreparedMessage> _recent = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebSocketServer? _server;
    private Task _tailing = Task.CompletedTask;

    public int Port => _server!.Port;

    /// <summary>Tails <paramref name="path"/> (created if missing) from its current end, checking for new lines every <paramref name="poll"/> (250 ms by default).</summary>
    public static async Task<LogTail> StartAsync(string path, int port, TimeSpan? poll = null)
    {
        File.AppendAllText(path, "");
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        file.Seek(0, SeekOrigin.End);

        var tail = new LogTail();
        tail._server = await WebSocketServer.StartAsync(tail.SubscriberAsync, "127.0.0.1", port);
        tail._tailing = tail.TailAsync(file, poll ?? TimeSpan.FromMilliseconds(250), tail._stopping.Token);
        return tail;
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _tailing;
        await _server!.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task SubscriberAsync(WebSocketConnection ws)
    {
        lock (_subscribers)
        {
            foreach (var line in _recent)
            {
                ws.TrySend(line);
            }

            _subscribers.Add(ws);
        }

        try
        {
            // Subscribers only listen; reading what they might send keeps the connection (and its pongs) flowing.
            await foreach (var _ in ws)
            {
            }
        }
        finally
        {
            lock (_subscribers)
            {
                _subscribers.Remove(ws);
            }
        }
    }

    private async Task TailAsync(FileStream file, TimeSpan poll, CancellationToken stopping)
    {
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        using var timer = new PeriodicTimer(poll);
        var buffer = new char[4096];
        var line = new StringBuilder();
        try
        {
            do
            {
                if (file.Length < file.Position)
                {
                    // Truncated (log rotation): start again from the top.
                    file.Seek(0, SeekOrigin.Begin);
                    reader.DiscardBufferedData();
                    line.Clear();
                }

                int count;
                while ((count = await reader.ReadAsync(buffer, stopping)) > 0)
                {
                    foreach (var c in buffer.AsSpan(0, count))
                    {
                        if (c != '\n')
                        {
                            line.Append(c);
                            continue;
                        }

                        // Only whole lines go out: a line still being written waits for its newline.
                        Publish(line.ToString().TrimEnd('\r'));
                        line.Clear();
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void Publish(string line)
    {
        // Framed once, for every subscriber now and for each newcomer's backlog later.
        var message = PreparedMessage.Create(Message.FromText(line));
        lock (_subscribers)
        {
            _recent.Enqueue(message);
            if (_recent.Count > Backlog)
            {
                _recent.Dequeue();
            }

            Broadcast.Send(_subscribers, message);
        }
    }
}
