using System.Globalization;
using System.Runtime.InteropServices;
using Examples.Secure;

// dotnet run --project examples/Secure [-- --port N]       the wss server; makes the certificate on first run
// dotnet run --project examples/Secure -- client [URI]     asks your name; trusts only that certificate
var directory = SelfSignedCertificate.DefaultDirectory;
if (args is ["client", ..])
{
    var uri = new Uri(args.Length > 1 ? args[1] : "wss://localhost:8008/");
    Console.Write("What's your name? ");
    var name = Console.ReadLine() ?? "";
    try
    {
        Console.WriteLine(await SecureClient.GreetAsync(uri, name, directory));
    }
    catch (FileNotFoundException e)
    {
        Console.Error.WriteLine(e.Message);
    }

    return;
}

var port = args is ["--port", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 8008;
await using var server = await SecureServer.StartAsync(port, directory);
Console.WriteLine($"Secure hello server on wss://localhost:{server.Port}/ with the certificate in {directory} (Ctrl+C stops it)");

var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
Console.WriteLine("Stopping: open connections get 1001 (going away).");
