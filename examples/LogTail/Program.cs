using System.Globalization;
using System.Runtime.InteropServices;
using Examples.LogTail;

// dotnet run --project examples/LogTail [-- --file PATH] [--port N]
var path = Path.Combine(Path.GetTempPath(), "pulse-logtail.log");
var port = 8006;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--file":
            path = Path.GetFullPath(args[i + 1]);
            break;
        case "--port":
            port = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
    }
}

await using var tail = await LogTail.StartAsync(path, port);
Console.WriteLine($"Streaming lines appended to {path} on ws://127.0.0.1:{tail.Port}/ (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: subscribers get 1001 (going away).");
