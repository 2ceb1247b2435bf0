using System.Globalization;
using Examples.Clock;

// dotnet run --project examples/Clock [-- --port N]    then open http://127.0.0.1:8005/
var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8005;
await using var clock = await ClockServer.StartAsync(port);
Console.WriteLine($"Clock on http://127.0.0.1:{clock.Port}/ (page) and ws://127.0.0.1:{clock.Port}/ws (Ctrl+C stops it)");
await clock.WaitForShutdownAsync();
Console.WriteLine("Stopped: open pages got 1001 (going away).");
