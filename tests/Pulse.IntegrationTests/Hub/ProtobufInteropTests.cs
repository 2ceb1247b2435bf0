using System.Text;
using Google.Protobuf;
using Pulse.Hub.Protocol.Wire;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hub;

/// <summary>Issue 5 §6: a Protobuf client (pulse.v1.protobuf) and a JSON client share channels.</summary>
[Trait("Category", "Hub")]
public sealed class ProtobufInteropTests
{
    [Fact]
    public async Task ProtobufAndJsonClients_ShareAChannelBothWays()
    {
        await using var server = await HubServer.StartAsync();
        await using var json = await server.ConnectAsync();
        await using var binary = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { Subprotocols = ["pulse.v1.protobuf"] }).DefaultTimeout();
        var welcome = await ReceiveAsync(binary);

        await SendAsync(binary, new Envelope { Type = "subscribe", Id = "s1", Channel = "mixed" });
        var subscribed = await ReceiveAsync(binary);
        await json.SubscribeAsync("mixed");
        await json.PublishAsync("mixed", new { text = "from json" });
        var fromJson = await ReceiveUntilAsync(binary, "message");
        await SendAsync(binary, new Envelope { Type = "publish", Id = "p1", Channel = "mixed", Data = ByteString.CopyFromUtf8("{\"text\":\"from protobuf\"}") });
        var published = await ReceiveUntilAsync(binary, "reply");
        var atJson = await json.NextMessageAsync();
        while (atJson.GetProperty("payload").GetProperty("data").GetProperty("text").GetString() == "from json")
        {
            atJson = await json.NextMessageAsync();
        }

        Assert.Equal("pulse.v1.protobuf", binary.Subprotocol);
        Assert.Equal("welcome", welcome.Type);
        Assert.Equal("reply", subscribed.Type);
        Assert.Equal("{\"text\":\"from json\"}", fromJson.Publication.Data.ToStringUtf8());
        Assert.Equal("mixed", fromJson.Channel);
        Assert.Equal(2UL, published.Offset);
        Assert.Equal("from protobuf", atJson.GetProperty("payload").GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task ProtobufPublishWithInvalidJsonData_AnsweredWithAnError_ConnectionKeepsWorking()
    {
        await using var server = await HubServer.StartAsync();
        await using var binary = await WebSocketClient.ConnectAsync(server.Uri(), new ClientOptions { Subprotocols = ["pulse.v1.protobuf"] }).DefaultTimeout();
        await ReceiveAsync(binary);

        await SendAsync(binary, new Envelope { Type = "publish", Id = "bad", Channel = "c", Data = ByteString.CopyFrom(Encoding.UTF8.GetBytes("{not json")) });
        var error = await ReceiveAsync(binary);
        await SendAsync(binary, new Envelope { Type = "ping", Id = "still" });
        var pong = await ReceiveAsync(binary);

        Assert.Equal("error", error.Type);
        Assert.Equal("bad", error.Id);
        Assert.Equal(400U, error.Code);
        Assert.Equal("pong", pong.Type);
        Assert.Equal("still", pong.Id);
    }

    private static async Task SendAsync(WebSocketConnection socket, Envelope envelope)
    {
        using var buffer = new MemoryStream();
        envelope.WriteDelimitedTo(buffer);
        await socket.SendAsync(buffer.ToArray()).DefaultTimeout();
    }

    private static async Task<Envelope> ReceiveAsync(WebSocketConnection socket)
    {
        var message = await socket.ReceiveAsync().DefaultTimeout();
        Assert.Equal(MessageType.Binary, message.Type);
        return Envelope.Parser.ParseDelimitedFrom(new MemoryStream(message.Data.ToArray()));
    }

    private static async Task<Envelope> ReceiveUntilAsync(WebSocketConnection socket, string type)
    {
        while (true)
        {
            var envelope = await ReceiveAsync(socket);
            if (envelope.Type == type)
            {
                return envelope;
            }
        }
    }
}
