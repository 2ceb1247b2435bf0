using System.Globalization;
using System.Runtime.InteropServices;
using Examples.Envelope;

// dotnet run --project examples/Envelope [-- --port N]       the server
// dotnet run --project examples/Envelope -- client [URI]     type text to publish it, or a raw {json} line
if (args is ["client", ..])
{
    await EnvelopeClient.RunAsync(new Uri(args.Length > 1 ? args[1] : "ws://127.0.0.1:8011/"), Console.In, Console.Out);
    return;
}

var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8011;
await using var server = await EnvelopeServer.StartAsync(port);
Console.WriteLine($"Envelope server on ws://127.0.0.1:{server.Port}/ (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: open connections get 1001 (going away).");
