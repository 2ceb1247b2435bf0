using Examples.Hello;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/Hello: a name in, <c>Hello name!</c> out, then a normal close.</summary>
[Trait("Category", "Examples")]
public sealed class HelloExampleTests
{
    [Fact]
    public async Task Client_SendsAName_GetsTheGreeting()
    {
        await using var server = await HelloServer.StartAsync(0).DefaultTimeout();

        var greeting = await HelloClient.GreetAsync(ExampleKit.Ws(server.Port), "Ada").DefaultTimeout();

        Assert.Equal("Hello Ada!", greeting);
    }

    [Fact]
    public async Task Server_ClosesNormallyAfterGreeting()
    {
        await using var server = await HelloServer.StartAsync(0).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();

        await ws.SendAsync("Grace").DefaultTimeout();
        var greeting = await ws.ReceiveTextAsync();
        await ws.Closed.DefaultTimeout();

        Assert.Equal("Hello Grace!", greeting);
        Assert.Equal(CloseCode.NormalClosure, ws.CloseReceived?.Code);
    }
}
