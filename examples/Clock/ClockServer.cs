using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pulse;

namespace Examples.Clock;

/// <summary>
/// Pushes the current UTC time to each client at random intervals. Hosted the ASP.NET Core way: the page is an
/// ordinary endpoint at <c>/</c> and the WebSocket one at <c>/ws</c>, both on the same port.
/// </summary>
public sealed class ClockServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _minInterval;
    private readonly TimeSpan _maxInterval;

    private ClockServer(WebApplication app, TimeSpan minInterval, TimeSpan maxInterval) =>
        (_app, _minInterval, _maxInterval) = (app, minInterval, maxInterval);

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>Starts the server; each client gets the time every 1 to 3 seconds unless told otherwise.</summary>
    public static async Task<ClockServer> StartAsync(int port, TimeSpan? minInterval = null, TimeSpan? maxInterval = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPulseWebSockets();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenWebSockets("127.0.0.1", port));
        var app = builder.Build();

        var clock = new ClockServer(app, minInterval ?? TimeSpan.FromSeconds(1), maxInterval ?? TimeSpan.FromSeconds(3));
        var page = await ReadPageAsync();
        app.MapGet("/", () => Results.Text(page, "text/html; charset=utf-8"));
        app.MapWebSocket("/ws", clock.TellTimeAsync);
        await app.StartAsync();
        return clock;
    }

    /// <summary>Completes on Ctrl+C or SIGTERM: the ASP.NET Core host listens for them.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops: open connections get 1001 (going away).</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task TellTimeAsync(WebSocketConnection ws)
    {
        while (true)
        {
            await ws.SendAsync(DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));

            // Wake up as soon as the client leaves, rather than sleeping out the interval.
            var pause = _minInterval + ((_maxInterval - _minInterval) * Random.Shared.NextDouble());
            if (await Task.WhenAny(Task.Delay(pause), ws.Closed) == ws.Closed)
            {
                return;
            }
        }
    }

    private static async Task<string> ReadPageAsync()
    {
        await using var stream = typeof(ClockServer).Assembly.GetManifestResourceStream("index.html")!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
