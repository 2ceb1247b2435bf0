using System.Globalization;
using System.Runtime.InteropServices;
using Examples.Echo;

// dotnet run --project examples/Echo [-- --port N]       the server
// dotnet run --project examples/Echo -- client [URI]     sends each line you type; Ctrl+D ends
if (args is ["client", ..])
{
    await EchoClient.RunAsync(new Uri(args.Length > 1 ? args[1] : "ws://127.0.0.1:8002/"), Console.In, Console.Out);
    return;
}

var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8002;
await using var server = await EchoServer.StartAsync(port);
Console.WriteLine($"Echo server on ws://127.0.0.1:{server.Port}/ (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: open connections get 1001 (going away).");
