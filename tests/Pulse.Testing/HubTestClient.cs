using System.Text.Json;

namespace Pulse.Testing;

/// <summary>A hub client speaking pulse.v1 JSON by hand, as a test (or a person with pulse connect) would.</summary>
public sealed class HubTestClient : IAsyncDisposable
{
    private readonly Queue<JsonElement> _backlog = new();
    private int _nextId;

    public HubTestClient(WebSocketConnection socket) => Socket = socket;

    public WebSocketConnection Socket { get; }

    public JsonElement Welcome { get; set; }

    public string ClientId => Welcome.GetProperty("payload").GetProperty("client").GetString()!;

    public Task SendRawAsync(string text) => Socket.SendAsync(text).DefaultTimeout();

    /// <summary>Sends a request and returns its id.</summary>
    public async Task<string> SendAsync(string type, object? payload = null, bool ackRequired = false, string? id = null)
    {
        id ??= $"r{Interlocked.Increment(ref _nextId)}";
        var envelope = new Dictionary<string, object?> { ["type"] = type, ["id"] = id };
        if (ackRequired)
        {
            envelope["ack_required"] = true;
        }

        if (payload is not null)
        {
            envelope["payload"] = payload;
        }

        await SendRawAsync(JsonSerializer.Serialize(envelope));
        return id;
    }

    /// <summary>The next envelope, including those set aside while waiting for a reply.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        if (_backlog.TryDequeue(out var waiting))
        {
            return waiting;
        }

        var message = await Socket.ReceiveAsync().DefaultTimeout();
        return JsonDocument.Parse(message.Data).RootElement.Clone();
    }

    /// <summary>The next envelope, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> ExpectAsync(string type)
    {
        var envelope = await ReceiveAsync();
        Assert(envelope.GetProperty("type").GetString() == type, $"expected {type}, got {envelope}");
        return envelope;
    }

    /// <summary>Reads until the reply (or error) with <paramref name="id"/>; envelopes seen meanwhile are kept for later reads.</summary>
    public async Task<JsonElement> ReplyToAsync(string id, List<JsonElement>? others = null)
    {
        var seen = new List<JsonElement>();
        try
        {
            while (true)
            {
                var envelope = await ReceiveAsync();
                var type = envelope.GetProperty("type").GetString();
                if (type is "reply" or "error" && envelope.TryGetProperty("id", out var replyId) && replyId.GetString() == id)
                {
                    return envelope;
                }

                seen.Add(envelope);
                others?.Add(envelope);
            }
        }
        finally
        {
            // Put back in order, ahead of anything still queued.
            foreach (var envelope in _backlog)
            {
                seen.Add(envelope);
            }

            _backlog.Clear();
            foreach (var envelope in seen)
            {
                _backlog.Enqueue(envelope);
            }
        }
    }

    public async Task<JsonElement> RequestAsync(string type, object? payload = null, bool ackRequired = false, List<JsonElement>? others = null)
    {
        var id = await SendAsync(type, payload, ackRequired);
        return await ReplyToAsync(id, others);
    }

    /// <summary>Subscribes and returns the reply's payload; fails on an error.</summary>
    public async Task<JsonElement> SubscribeAsync(string channel, (string Epoch, long Offset)? since = null)
    {
        object payload = since is { } s ? new { channel, since = new { epoch = s.Epoch, offset = s.Offset } } : new { channel };
        var reply = await RequestAsync("subscribe", payload);
        Assert(reply.GetProperty("type").GetString() == "reply", $"subscribe {channel} failed: {reply}");
        return reply.GetProperty("payload");
    }

    public async Task<long> PublishAsync(string channel, object data, bool ackRequired = false)
    {
        var reply = await RequestAsync("publish", new { channel, data }, ackRequired);
        Assert(reply.GetProperty("type").GetString() == "reply", $"publish to {channel} failed: {reply}");
        return reply.GetProperty("payload").GetProperty("offset").GetInt64();
    }

    /// <summary>The next <c>message</c> envelope, skipping others.</summary>
    public async Task<JsonElement> NextMessageAsync()
    {
        while (true)
        {
            var envelope = await ReceiveAsync();
            if (envelope.GetProperty("type").GetString() == "message")
            {
                return envelope;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Socket.CloseAsync().DefaultTimeout();
        }
        catch (ConnectionClosedException)
        {
        }
    }

    private static void Assert(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
