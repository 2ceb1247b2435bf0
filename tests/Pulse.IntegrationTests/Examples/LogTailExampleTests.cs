using Examples.LogTail;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/LogTail: lines appended to a file reach every subscriber, whole and once.</summary>
[Trait("Category", "Examples")]
public sealed class LogTailExampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pulse-logtail-").FullName;

    private string LogFile => Path.Combine(_directory, "app.log");

    [Fact]
    public async Task AppendedLines_StreamToTwoSubscribers()
    {
        File.WriteAllText(LogFile, "written before the server started\n");
        await using var tail = await LogTail.StartAsync(LogFile, 0, TimeSpan.FromMilliseconds(10)).DefaultTimeout();

        // Receiving "first" proves each subscriber is registered: it arrives live or from the recent lines.
        File.AppendAllText(LogFile, "first\n");
        await using var one = await WebSocketClient.ConnectAsync(ExampleKit.Ws(tail.Port)).DefaultTimeout();
        await using var two = await WebSocketClient.ConnectAsync(ExampleKit.Ws(tail.Port)).DefaultTimeout();
        Assert.Equal("first", await one.ReceiveTextAsync());
        Assert.Equal("first", await two.ReceiveTextAsync());

        File.AppendAllText(LogFile, "second\nthird\n");

        foreach (var subscriber in new[] { one, two })
        {
            Assert.Equal("second", await subscriber.ReceiveTextAsync());
            Assert.Equal("third", await subscriber.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task ALineWrittenInTwoPieces_ArrivesAsOneMessage()
    {
        await using var tail = await LogTail.StartAsync(LogFile, 0, TimeSpan.FromMilliseconds(10)).DefaultTimeout();
        File.AppendAllText(LogFile, "ready\n");
        await using var ws = await WebSocketClient.ConnectAsync(ExampleKit.Ws(tail.Port)).DefaultTimeout();
        Assert.Equal("ready", await ws.ReceiveTextAsync());

        File.AppendAllText(LogFile, "half a ");
        File.AppendAllText(LogFile, "line\r\nnext\n");

        Assert.Equal("half a line", await ws.ReceiveTextAsync());
        Assert.Equal("next", await ws.ReceiveTextAsync());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
