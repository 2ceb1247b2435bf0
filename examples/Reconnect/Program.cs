using System.Globalization;
using System.Runtime.InteropServices;
using Examples.Reconnect;
using Microsoft.Extensions.Logging;
using Pulse;

// dotnet run --project examples/Reconnect [-- --port N]       the server: stop it and start it again
// dotnet run --project examples/Reconnect -- client [URI]     keeps receiving across server restarts
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

if (args is ["client", ..])
{
    var uri = new Uri(args.Length > 1 ? args[1] : "ws://127.0.0.1:8010/");

    // Pulse logs each failed attempt and the delay before the next one (event ReconnectScheduled).
    using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(console => console.SingleLine = true));
    var options = new ClientOptions
    {
        LoggerFactory = logging,
        ReconnectInitialDelay = TimeSpan.FromSeconds(1),
        ReconnectMaxDelay = TimeSpan.FromSeconds(10),
    };
    try
    {
        await foreach (var text in ReconnectClient.ReceiveForeverAsync(uri, options, Console.Out, stop.Token))
        {
            Console.WriteLine($"< {text}");
        }
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Bye.");
    }

    return;
}

var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8010;
await using var server = await ReconnectServer.StartAsync(port);
Console.WriteLine($"Reconnect server on ws://127.0.0.1:{server.Port}/ (Ctrl+C stops it; then start it again)");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

Console.WriteLine("Stopping: the client gets 1001 (going away) and starts reconnecting.");
