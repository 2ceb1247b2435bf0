using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §5: StopAsync stops accepting, closes every connection with 1001 and waits up to the drain timeout.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task StopAsync_ClosesEveryConnectionWith1001_AndRefusesNewOnes()
    {
        var server = await LoopbackServer.StartEchoAsync();
        var clients = new List<WebSocketConnection>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout());
        }

        await server.DisposeAsync();

        foreach (var client in clients)
        {
            var closed = await Assert.ThrowsAsync<ConnectionClosedOkException>(() => client.ReceiveAsync().DefaultTimeout());
            Assert.Equal(new CloseFrame(CloseCode.GoingAway, "server shutting down"), closed.Received);
        }

        await Assert.ThrowsAsync<ConnectFailedException>(() => WebSocketClient.ConnectAsync(server.Uri()).DefaultTimeout());
    }

    [Fact]
    public async Task StopAsync_PeerIgnoringClose_AbortedAfterDrainTimeout()
    {
        var server = await LoopbackServer.StartEchoAsync(new ServerOptions { DrainTimeout = TimeSpan.FromMilliseconds(500), CloseTimeout = TimeSpan.FromSeconds(30) });
        await using var raw = await RawWebSocket.OpenAsync(server.Port);

        await server.DisposeAsync();

        Assert.Equal(1001, (await raw.ReceiveCloseAsync()).CloseCode);
        Assert.True(await raw.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task PulseServe_StopAsync_TellsClientsGoingAway()
    {
        var server = await PulseServerFixture.StartAsync();
        var client = await WebSocketClient.ConnectAsync(new Uri(server.BaseUri, "echo")).DefaultTimeout();

        await server.StopAsync().DefaultTimeout();

        var closed = await Assert.ThrowsAsync<ConnectionClosedOkException>(() => client.ReceiveAsync().DefaultTimeout());
        Assert.Equal(CloseCode.GoingAway, closed.Received?.Code);
    }
}
