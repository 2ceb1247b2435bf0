using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pulse.Hosting;

/// <summary>
/// A started ASP.NET Core app owned by a server object (<see cref="WebSocketServer"/>, <c>pulse serve</c>'s
/// host): the addresses it bound, and a stop that runs once however often it is asked for.
/// </summary>
internal sealed class RunningApp
{
    private readonly WebApplication _app;
    private readonly Func<Task>? _beforeStop;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _stopping;

    private RunningApp(WebApplication app, Func<Task>? beforeStop, IReadOnlyList<IPEndPoint> endPoints)
    {
        _app = app;
        _beforeStop = beforeStop;
        EndPoints = endPoints;
    }

    /// <summary>The addresses listened on, with the ports actually bound.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>The app's addresses as Kestrel reports them (<c>http://127.0.0.1:8765</c>).</summary>
    public IReadOnlyCollection<string> Addresses => _app.Urls.ToArray();

    /// <summary>A task that completes once the app has stopped.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Leaves the process's signals alone: the owner decides when to stop (a library must not take Ctrl+C).</summary>
    public static void LeaveSignalsAlone(IServiceCollection services) => services.AddSingleton<IHostLifetime, OwnerControlledLifetime>();

    /// <summary>Starts <paramref name="app"/>; <paramref name="beforeStop"/> runs first when it stops (a drain).</summary>
    public static async Task<RunningApp> StartAsync(WebApplication app, Func<Task>? beforeStop, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        // Build the routes now, so the fast path knows from the first upgrade which endpoints it may answer alone.
        _ = app.Services.GetService<EndpointDataSource>()?.Endpoints;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var endPoints = addresses.Select(a => new Uri(a)).Select(u => new IPEndPoint(IPAddress.Parse(u.Host.Trim('[', ']')), u.Port)).ToArray();
        return new RunningApp(app, beforeStop, endPoints);
    }

    /// <summary>Stops the app once; later calls return the same task.</summary>
    public Task StopAsync()
    {
        lock (_stopped)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        try
        {
            if (_beforeStop is not null)
            {
                await _beforeStop().ConfigureAwait(false);
            }

            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private sealed class OwnerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
