using System.Globalization;
using System.Runtime.InteropServices;
using Examples.Health;

// dotnet run --project examples/Health [-- --port N]
var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8009;
await using var server = await HealthServer.StartAsync(port);
Console.WriteLine($"Echo on ws://127.0.0.1:{server.Port}/, health check on http://127.0.0.1:{server.Port}/healthz (Ctrl+C or SIGTERM stops it)");

// SIGTERM is how orchestrators (systemd, Kubernetes, Docker) ask a server to stop: drain, then exit 0.
var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Draining: /healthz answers 503, open connections get 1001 (going away).");
await server.StopAsync();
Console.WriteLine("Stopped.");
