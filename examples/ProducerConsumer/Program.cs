using System.Globalization;
using System.Runtime.InteropServices;
using Examples.ProducerConsumer;

// dotnet run --project examples/ProducerConsumer [-- --port N]
var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8007;
await using var server = await ProducerConsumerServer.StartAsync(port);
Console.WriteLine($"Producer/consumer server on ws://127.0.0.1:{server.Port}/ (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: open connections get 1001 (going away).");
