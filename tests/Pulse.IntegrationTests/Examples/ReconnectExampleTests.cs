using Examples.Reconnect;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/Reconnect: the client goes on receiving after the server restarts on the same port.</summary>
[Trait("Category", "Examples")]
public sealed class ReconnectExampleTests
{
    [Fact]
    public async Task Client_SurvivesAServerRestartOnTheSamePort()
    {
        var first = await ReconnectServer.StartAsync(0, "first").DefaultTimeout();
        var port = first.Port;
        var options = new ClientOptions { ReconnectInitialDelay = TimeSpan.FromMilliseconds(20), ReconnectMaxDelay = TimeSpan.FromMilliseconds(100) };
        var log = new LogLines();
        using var stop = new CancellationTokenSource();
        await using var messages = ReconnectClient.ReceiveForeverAsync(ExampleKit.Ws(port), options, log, stop.Token).GetAsyncEnumerator();

        Assert.True(await messages.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal("hello from first", messages.Current);

        // The connection closes in the background; the client notices when it next reads.
        await first.StopAsync().DefaultTimeout();
        await using var second = await ReconnectServer.StartAsync(port, "second").DefaultTimeout();

        // Ticks from the first server may still be in flight; the greeting of the second must come.
        var afterRestart = new List<string>();
        do
        {
            Assert.True(await messages.MoveNextAsync().AsTask().DefaultTimeout());
            afterRestart.Add(messages.Current);
        }
        while (messages.Current != "hello from second");

        await stop.CancelAsync();
        Assert.All(afterRestart[..^1], m => Assert.EndsWith("from first", m, StringComparison.Ordinal));
        Assert.Contains("disconnected: received 1001 (going away)", await log.WaitForAsync("disconnected"), StringComparison.Ordinal);
    }
}
