using System.Globalization;
using System.Runtime.InteropServices;
using Examples.Counter;

// dotnet run --project examples/Counter [-- --port N]    then open http://127.0.0.1:8004/ in two tabs
var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8004;

// Only the page served here may connect: a page on another site cannot drive the counter from its visitors'
// browsers (cross-site WebSocket hijacking). With --port 0 the page's origin is unknown until bound: any is allowed.
string[]? origins = port == 0 ? null : [$"http://127.0.0.1:{port}", $"http://localhost:{port}"];
await using var counter = await CounterServer.StartAsync(port, origins);
Console.WriteLine($"Counter on http://127.0.0.1:{counter.Port}/ (page) and ws://127.0.0.1:{counter.Port}/ (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: open pages get 1001 (going away).");
