using Pulse;

namespace Examples.Envelope;

/// <summary>
/// Speaks the envelope protocol. Requests (each with an <c>id</c>, answered with the same one): <c>ping</c> →
/// <c>pong</c>; <c>echo</c> → <c>reply</c> with the same payload; <c>publish</c> → <c>reply</c>, and the payload goes to
/// every client as a <c>message</c> with <c>ack_required</c>, resent on the <see cref="RetrySchedule"/> until that
/// client sends <c>ack</c> with the message's id. Bad JSON, a bad envelope or an unknown type gets an
/// <c>error</c>, and the connection stays open.
/// </summary>
public sealed class EnvelopeServer : IAsyncDisposable
{
    // One lock for the clients and their trackers: publishing, acks and retries never interleave badly.
    private readonly Dictionary<WebSocketConnection, AckTracker> _clients = [];
    private readonly RetrySchedule _schedule;
    private readonly TextWriter _log;
    private long _lastMessageId;
    private WebSocketServer? _server;

    private EnvelopeServer(RetrySchedule schedule, TextWriter log) => (_schedule, _log) = (schedule, log);

    public int Port => _server!.Port;

    public static async Task<EnvelopeServer> StartAsync(int port, RetrySchedule? schedule = null, TextWriter? log = null)
    {
        var server = new EnvelopeServer(schedule ?? RetrySchedule.Default, log ?? Console.Out);
        server._server = await WebSocketServer.StartAsync(server.ClientAsync, "127.0.0.1", port);
        return server;
    }

    public Task StopAsync() => _server!.StopAsync();

    public ValueTask DisposeAsync() => _server!.DisposeAsync();

    private async Task ClientAsync(WebSocketConnection ws)
    {
        var tracker = new AckTracker(_schedule);
        lock (_clients)
        {
            _clients.Add(ws, tracker);
        }

        using var leaving = new CancellationTokenSource();
        var retrying = RetryAsync(ws, tracker, leaving.Token);
        try
        {
            await foreach (var message in ws)
            {
                if (Dispatch(ws, tracker, message.Text) is { } answer)
                {
                    await ws.SendAsync(answer);
                }
            }
        }
        finally
        {
            lock (_clients)
            {
                _clients.Remove(ws);
            }

            await leaving.CancelAsync();
            await retrying;
        }
    }

    private string? Dispatch(WebSocketConnection ws, AckTracker tracker, string text)
    {
        // DESIGN: a bad envelope gets an error and never closes the connection.
        if (!Envelope.TryParse(text, out var request, out var bad))
        {
            return Envelope.Error(bad.Id, bad.Code, bad.Message);
        }

        return request switch
        {
            { Type: "ping" or "echo" or "publish" or "ack", Id: null } => Envelope.Error(null, "bad_envelope", $"\"{request.Type}\" needs an \"id\""),
            { Type: "ping" } => new Envelope("pong", request.Id, Envelope.UnixNow).ToJson(),
            { Type: "echo" } => new Envelope("reply", request.Id, Envelope.UnixNow, request.Payload).ToJson(),
            { Type: "publish" } => Publish(request),
            { Type: "ack" } => Ack(ws, tracker, request.Id),
            _ => Envelope.Error(request.Id, "unknown_type", $"unknown type \"{request.Type}\""),
        };
    }

    private string Publish(Envelope request)
    {
        var messageId = $"s{Interlocked.Increment(ref _lastMessageId)}";
        var frame = new Envelope("message", messageId, Envelope.UnixNow, request.Payload, AckRequired: true).ToJson();
        lock (_clients)
        {
            Broadcast.Send(_clients.Keys, frame);
            foreach (var tracker in _clients.Values)
            {
                tracker.Sent(messageId, frame, Environment.TickCount64);
            }
        }

        return new Envelope("reply", request.Id, Envelope.UnixNow, Envelope.ToPayload(new { MessageId = messageId })).ToJson();
    }

    private string? Ack(WebSocketConnection ws, AckTracker tracker, string messageId)
    {
        lock (_clients)
        {
            if (tracker.Ack(messageId))
            {
                _log.WriteLine($"{messageId} acked by {ws.Id}");
            }
        }

        return null;
    }

    private async Task RetryAsync(WebSocketConnection ws, AckTracker tracker, CancellationToken leaving)
    {
        // Checks for due resends a few times per first delay; the schedule itself is pure and tested alone.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1, _schedule.FirstDelay.TotalMilliseconds / 4)));
        try
        {
            while (await timer.WaitForNextTickAsync(leaving))
            {
                IReadOnlyList<string> resend, gaveUp;
                lock (_clients)
                {
                    (resend, gaveUp) = tracker.TakeDue(Environment.TickCount64);
                }

                foreach (var frame in resend)
                {
                    await ws.SendAsync(frame, leaving);
                }

                foreach (var id in gaveUp)
                {
                    await _log.WriteLineAsync($"{id} never acked by {ws.Id}; gave up after {_schedule.MaxAttempts} sends");
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionClosedException)
        {
            // The client left.
        }
    }
}
