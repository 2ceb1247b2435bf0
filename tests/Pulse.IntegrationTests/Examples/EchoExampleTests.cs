using Examples.Echo;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/Echo: every message back to its sender, with its own type.</summary>
[Trait("Category", "Examples")]
public sealed class EchoExampleTests
{
    [Fact]
    public async Task TextAndBinary_ComeBackUnchanged()
    {
        await using var server = await EchoServer.StartAsync(0).DefaultTimeout();
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(server.Port)).DefaultTimeout();

        await ws.SendAsync("héllo").DefaultTimeout();
        await ws.SendAsync(new byte[] { 1, 2, 3 }).DefaultTimeout();
        var text = await ws.ReceiveAsync().DefaultTimeout();
        var binary = await ws.ReceiveAsync().DefaultTimeout();

        Assert.Equal(Message.FromText("héllo"), text);
        Assert.Equal(Message.FromBinary(new byte[] { 1, 2, 3 }), binary);
    }

    [Fact]
    public async Task Client_PrintsTheEchoOfEachLine()
    {
        await using var server = await EchoServer.StartAsync(0).DefaultTimeout();
        var output = new StringWriter { NewLine = "\n" };

        await EchoClient.RunAsync(ExampleKit.Ws(server.Port), new StringReader("one\ntwo\n"), output).DefaultTimeout();

        Assert.Equal("< one\n< two\n", output.ToString());
    }
}
