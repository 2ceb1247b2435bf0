using Pulse.Testing;

namespace Pulse.IntegrationTests.Overload;

/// <summary>
/// Both peers over their write limit at once: a Pulse client writing as fast as it can (and reading on another
/// task) to a Pulse echo server. Neither end may stop reading merely because its own data waits to be sent, or
/// the two would wait for each other for ever; only the protocol's own answers (a ping flood's pongs) pause reading.
/// </summary>
[Trait("Category", "Overload")]
public sealed class FullDuplexFloodTests
{
    [Fact]
    public async Task ClientFloodingAnEchoServer_WhileReadingOnAnotherTask_GetsEveryEcho()
    {
        const int messages = 600;
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { PingInterval = null, Compression = new CompressionOptions { Enabled = false } });
        await using var client = await WebSocketClient.ConnectAsync(
            server.Uri(),
            new ClientOptions { PingInterval = null, UseProxyFromEnvironment = false, Compression = new CompressionOptions { Enabled = false } }).DefaultTimeout();
        var payload = Payloads.Binary(32 * 1024);

        var reading = Task.Run(async () =>
        {
            for (var i = 0; i < messages; i++)
            {
                var echo = await client.ReceiveAsync();
                Assert.Equal(payload.Length, echo.Data.Length);
            }
        });
        for (var i = 0; i < messages; i++)
        {
            await client.SendAsync(payload).DefaultTimeout();
        }

        await reading.DefaultTimeout(TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));
    }
}
