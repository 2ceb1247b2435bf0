using System.Text.Json;
using Examples.Envelope;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>
/// examples/Envelope over the network: dispatch on type, errors that keep the connection open, and a message
/// with ack_required resent with the same id until acknowledged, delivered once by the client's inbox.
/// </summary>
[Trait("Category", "Examples")]
public sealed class EnvelopeExampleTests
{
    // Resend every 20 ms for as long as a test needs; the example's default starts at 1 s.
    private static readonly RetrySchedule s_untilAcked = new(TimeSpan.FromMilliseconds(20), 1, TimeSpan.FromMilliseconds(20), int.MaxValue);

    [Fact]
    public async Task Requests_AreAnsweredWithTheirId()
    {
        await using var server = await EnvelopeServer.StartAsync(0, log: TextWriter.Null).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();

        await ws.SendAsync("""{"type":"ping","id":"c1","timestamp":1}""").DefaultTimeout();
        var pong = await ReceiveEnvelopeAsync(ws);
        await ws.SendAsync("""{"type":"echo","id":"c2","payload":{"n":[1,2]},"future_field":true}""").DefaultTimeout();
        var reply = await ReceiveEnvelopeAsync(ws);

        Assert.Equal(("pong", "c1"), (pong.Type, pong.Id));
        Assert.True(pong.Timestamp > 0);
        Assert.Equal(("reply", "c2"), (reply.Type, reply.Id));
        Assert.Equal("""{"n":[1,2]}""", JsonSerializer.Serialize(reply.Payload));
    }

    [Theory]
    [InlineData("{oops", "bad_json", null)]
    [InlineData("[1]", "bad_envelope", null)]
    [InlineData("""{"id":"c3"}""", "bad_envelope", "c3")]
    [InlineData("""{"type":"ping"}""", "bad_envelope", null)]
    [InlineData("""{"type":"nope","id":"c4"}""", "unknown_type", "c4")]
    public async Task BadInput_GetsAnError_AndTheConnectionStaysOpen(string input, string code, string? id)
    {
        await using var server = await EnvelopeServer.StartAsync(0, log: TextWriter.Null).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();

        await ws.SendAsync(input).DefaultTimeout();
        var error = await ReceiveEnvelopeAsync(ws);
        await ws.SendAsync("""{"type":"ping","id":"after"}""").DefaultTimeout();
        var pong = await ReceiveEnvelopeAsync(ws);

        Assert.Equal("error", error.Type);
        Assert.Equal(id, error.Id);
        Assert.Equal(code, error.Payload?.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.Payload?.GetProperty("message").GetString()));
        Assert.Equal(("pong", "after"), (pong.Type, pong.Id));
    }

    [Fact]
    public async Task Unacknowledged_IsResentWithTheSameId_DeliveredOnce_AndAnAckStopsIt()
    {
        var log = new LogLines();
        await using var server = await EnvelopeServer.StartAsync(0, s_untilAcked, log).DefaultTimeout();
        await using var publisher = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();
        await using var subscriber = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();
        await Task.WhenAll(PingAsync(publisher), PingAsync(subscriber)).DefaultTimeout();

        await publisher.SendAsync("""{"type":"publish","id":"c1","payload":{"text":"hi"}}""").DefaultTimeout();
        var reply = (await publisher.ReceiveUntilAsync(m => m.Contains("\"reply\"", StringComparison.Ordinal)))[^1];
        var messageId = Parse(reply).Payload?.GetProperty("message_id").GetString();

        // The subscriber does not answer its first copy, as if the ack were lost; the server sends it again.
        var firstCopy = await subscriber.ReceiveTextAsync();
        var secondCopy = await subscriber.ReceiveTextAsync();
        var inbox = new Inbox();
        var (delivered, firstAck) = inbox.Receive(firstCopy, 1);
        var (duplicate, secondAck) = inbox.Receive(secondCopy, 2);
        await subscriber.SendAsync(secondAck!).DefaultTimeout();

        Assert.Equal(firstCopy, secondCopy);
        Assert.NotNull(delivered);
        Assert.Equal("message", delivered.Type);
        Assert.Equal(messageId, delivered.Id);
        Assert.True(delivered.AckRequired);
        Assert.Equal("hi", delivered.Payload?.GetProperty("text").GetString());
        Assert.Null(duplicate);
        Assert.All([firstAck!, secondAck!], ack => Assert.Equal(("ack", messageId), (Parse(ack).Type, Parse(ack).Id)));
        await log.WaitForAsync($"{messageId} acked by");
    }

    [Fact]
    public async Task NeverAcknowledged_IsGivenUpAfterMaxAttempts()
    {
        var log = new LogLines();
        var twoSends = new RetrySchedule(TimeSpan.FromMilliseconds(10), 1, TimeSpan.FromMilliseconds(10), MaxAttempts: 2);
        await using var server = await EnvelopeServer.StartAsync(0, twoSends, log).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();

        await ws.SendAsync("""{"type":"publish","id":"c1","payload":"x"}""").DefaultTimeout();
        var gaveUp = await log.WaitForAsync("gave up");
        var received = await ws.ReceiveUntilAsync(m => m.Contains("\"reply\"", StringComparison.Ordinal));
        await ws.SendAsync("""{"type":"ping","id":"last"}""").DefaultTimeout();
        received.AddRange(await ws.ReceiveUntilAsync(m => m.Contains("\"pong\"", StringComparison.Ordinal)));

        Assert.StartsWith("s1 never acked", gaveUp, StringComparison.Ordinal);
        Assert.Equal(2, received.Count(m => m.Contains("\"message\"", StringComparison.Ordinal)));
    }

    private static async Task PingAsync(WebSocketConnection ws)
    {
        // Answered once the server runs this connection's handler, so it is among the publish's recipients.
        await ws.SendAsync("""{"type":"ping","id":"ready"}""");
        Assert.Equal("pong", Parse(await ws.ReceiveTextAsync()).Type);
    }

    private static async Task<Envelope> ReceiveEnvelopeAsync(WebSocketConnection ws) => Parse(await ws.ReceiveTextAsync());

    private static Envelope Parse(string text) =>
        Envelope.TryParse(text, out var envelope, out var error) ? envelope : throw new InvalidOperationException($"{error.Code}: {error.Message}: {text}");
}
