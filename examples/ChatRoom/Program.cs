using System.Globalization;
using System.Runtime.InteropServices;
using Examples.ChatRoom;

// dotnet run --project examples/ChatRoom [-- --port N]          the room
// dotnet run --project examples/ChatRoom -- client NAME [URI]    joins as NAME; type lines, Ctrl+D leaves
if (args is ["client", ..])
{
    var name = args.Length > 1 ? args[1] : Environment.UserName;
    var uri = new Uri($"{(args.Length > 2 ? args[2] : "ws://127.0.0.1:8003/")}?name={Uri.EscapeDataString(name)}");
    await ChatClient.RunAsync(uri, Console.In, Console.Out);
    return;
}

var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8003;
await using var room = await ChatRoom.StartAsync(port);
Console.WriteLine($"Chat room on ws://127.0.0.1:{room.Port}/ (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: members get 1001 (going away).");
