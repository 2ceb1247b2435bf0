using System.Globalization;
using System.Runtime.InteropServices;
using Examples.Hello;

// dotnet run --project examples/Hello [-- --port N]       the server
// dotnet run --project examples/Hello -- client [URI]     asks your name and sends it
if (args is ["client", ..])
{
    var uri = new Uri(args.Length > 1 ? args[1] : "ws://127.0.0.1:8001/");
    Console.Write("What's your name? ");
    var name = Console.ReadLine() ?? "";
    Console.WriteLine(await HelloClient.GreetAsync(uri, name));
    return;
}

var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8001;
await using var server = await HelloServer.StartAsync(port);
Console.WriteLine($"Hello server on ws://127.0.0.1:{server.Port}/ (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: open connections get 1001 (going away).");
