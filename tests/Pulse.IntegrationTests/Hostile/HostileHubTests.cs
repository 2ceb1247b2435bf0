using System.Text;
using System.Text.Json;
using Pulse.Hub.Hosting;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hostile;

/// <summary>
/// Hostile hub envelopes (pulse.v1.json) against <c>pulse serve</c>'s <c>/ws</c>: each gets its <c>error</c>
/// (400, 404 or 422, docs/reference/protocol.md) or, past the size limit, a 1009 close; the connection that sent a bad
/// envelope stays usable, and other connections keep working.
/// </summary>
[Trait("Category", "Hostile")]
[Collection(nameof(MemoryMeasuredCollection))]
public sealed class HostileHubTests(HostileServerFixture server) : IClassFixture<HostileServerFixture>
{
    private async Task<HubTestClient> ConnectAsync(string user = "hostile")
    {
        var token = new HubTokens(HostileServerFixture.TokenSecret).Create(user);
        var options = new ClientOptions { Subprotocols = ["pulse.v1.json"], UseProxyFromEnvironment = false, PingInterval = null };
        var client = new HubTestClient(await WebSocketClient.ConnectAsync(server.Ws($"/ws?token={token}"), options).DefaultTimeout());
        client.Welcome = await client.ExpectAsync("welcome");
        return client;
    }

    /// <summary>The sender's connection still serves requests: a publish is answered and the bystander echoes.</summary>
    private async Task AssertStillUsableAsync(HubTestClient client)
    {
        var reply = await client.RequestAsync("publish", new { channel = "hostile:after", data = new { ok = true } });
        Assert.Equal("reply", reply.GetProperty("type").GetString());
        await server.AssertOthersUnharmedAsync();
    }

    private static int ErrorCode(JsonElement envelope)
    {
        Assert.True(envelope.GetProperty("type").GetString() == "error", $"expected an error, got {envelope}");
        return envelope.GetProperty("payload").GetProperty("code").GetInt32();
    }

    public static TheoryData<string, int> BadEnvelopes
    {
        get
        {
            var deep = new string('[', 1000) + new string(']', 1000);
            var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000);
            var digits = new string('9', 60_000);
            return new TheoryData<string, int>
            {
                // A whole envelope nested a thousand deep: not an object.
                { deep, 400 },
                { deepObject, 400 },

                // data nested a thousand deep (64 is the limit).
                { $"{{\"type\":\"publish\",\"id\":\"d1\",\"payload\":{{\"channel\":\"hostile:deep\",\"data\":{deep}}}}}", 400 },
                { $"{{\"type\":\"publish\",\"id\":\"d2\",\"payload\":{{\"channel\":\"hostile:deep\",\"data\":{deepObject}}}}}", 400 },

                // Enormous numbers where an integer is expected.
                { $"{{\"type\":\"publish\",\"id\":\"n1\",\"timestamp\":{digits},\"payload\":{{\"channel\":\"hostile:n\",\"data\":1}}}}", 400 },
                { $"{{\"type\":\"history\",\"id\":\"n2\",\"payload\":{{\"channel\":\"hostile:n\",\"limit\":{digits}}}}}", 400 },
                { $"{{\"type\":\"subscribe\",\"id\":\"n3\",\"payload\":{{\"channel\":\"hostile:n\",\"since\":{{\"epoch\":\"x\",\"offset\":-{digits}}}}}}}", 400 },

                // Enormous strings where short ones are expected.
                { $"{{\"type\":\"ping\",\"id\":\"{new string('i', 60_000)}\"}}", 400 },
                { $"{{\"type\":\"{new string('t', 60_000)}\",\"id\":\"s2\"}}", 404 },
                { $"{{\"type\":\"subscribe\",\"id\":\"s3\",\"payload\":{{\"channel\":\"{new string('c', 60_000)}\"}}}}", 422 },

                // Not JSON, not UTF-8 once escaped, truncated.
                { "{\"type\":\"ping\",\"id\":", 400 },
                { "\"just a string\"", 400 },
            };
        }
    }

    /// <summary>Each hostile envelope gets its error code; the connection that sent it stays usable.</summary>
    [Theory]
    [MemberData(nameof(BadEnvelopes))]
    public async Task HostileEnvelope_GetsItsError_AndTheConnectionStaysUsable(string envelope, int code)
    {
        await using var client = await ConnectAsync();

        await client.SendRawAsync(envelope);

        Assert.Equal(code, ErrorCode(await client.ExpectAsync("error")));
        await AssertStillUsableAsync(client);
    }

    /// <summary>An enormous number as <c>data</c> is valid JSON: published as sent, byte for byte, to a subscriber.</summary>
    [Fact]
    public async Task EnormousNumberAsData_IsDeliveredVerbatim()
    {
        var number = "-" + new string('7', 50_000) + ".5e-99999";
        await using var publisher = await ConnectAsync("publisher");
        await using var subscriber = await ConnectAsync("subscriber");
        await subscriber.SubscribeAsync("hostile:numbers");

        await publisher.SendRawAsync($"{{\"type\":\"publish\",\"id\":\"big\",\"payload\":{{\"channel\":\"hostile:numbers\",\"data\":{number}}}}}");

        var message = await subscriber.NextMessageAsync();
        Assert.Equal(number, message.GetProperty("payload").GetProperty("data").GetRawText());
        await AssertStillUsableAsync(publisher);
    }

    /// <summary>Channel names outside 1–128 of letters, digits and <c>:_-.</c> get 422 on every request that names them.</summary>
    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a b")]
    [InlineData("chat/../admin")]
    [InlineData("caf\u00e9")]
    [InlineData("nul\u0000")]
    [InlineData("emoji\ud83d\ude00")]
    public async Task InvalidChannelName_Gets422(string channel)
    {
        await using var client = await ConnectAsync();

        var subscribe = await client.RequestAsync("subscribe", new { channel });
        var publish = await client.RequestAsync("publish", new { channel, data = 1 });
        var tooLong = await client.RequestAsync("presence", new { channel = new string('a', 129) });

        Assert.Equal((422, 422, 422), (ErrorCode(subscribe), ErrorCode(publish), ErrorCode(tooLong)));
        await AssertStillUsableAsync(client);
    }

    /// <summary>
    /// A batch of 20,000 bad lines in one frame: each is answered (or the connection is closed with 1008 for too
    /// many errors, protocol.md), never more than that; the heap stays within the bound, other connections work.
    /// </summary>
    [Fact]
    public async Task BatchOfBadLines_IsAnsweredOrClosedWith1008_MemoryBounded()
    {
        var memory = MemoryBound.Start();
        await using var client = await ConnectAsync();

        await client.SendRawAsync(string.Join('\n', Enumerable.Repeat("{\"type\":42}", 20_000)));

        var errors = 0;
        ConnectionClosedException? closed = null;
        try
        {
            while (errors < 20_000)
            {
                Assert.Equal(400, ErrorCode(await client.ReceiveAsync()));
                errors++;
            }
        }
        catch (ConnectionClosedException e)
        {
            closed = e;
        }

        Assert.True(closed is null ? errors == 20_000 : closed.Code == CloseCode.PolicyViolation, $"{errors} errors, then {closed?.Code}");
        await server.AssertOthersUnharmedAsync();
        memory.AssertWithin();
    }

    /// <summary>RFC 6455 §7.4.1: a hub message over the connection's MaxMessageSize (1 MiB) is refused with 1009, not buffered.</summary>
    [Fact]
    public async Task EnvelopeOverTheMessageLimit_ClosesWith1009()
    {
        await using var client = await ConnectAsync();
        var huge = Encoding.UTF8.GetBytes($"{{\"type\":\"publish\",\"id\":\"huge\",\"payload\":{{\"channel\":\"hostile:big\",\"data\":\"{new string('x', 2 * 1024 * 1024)}\"}}}}");

        try
        {
            await client.Socket.SendAsync(MessageType.Text, huge).DefaultTimeout();
        }
        catch (ConnectionClosedException)
        {
            // The server may close while the message is still being written.
        }

        var closed = await Assert.ThrowsAnyAsync<ConnectionClosedException>(async () => await client.ReceiveAsync());
        Assert.Equal(CloseCode.MessageTooBig, closed.Received?.Code);
        await server.AssertOthersUnharmedAsync();
    }
}
