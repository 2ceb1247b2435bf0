using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Pulse.Redis.Engine;

namespace Pulse.Redis.Hosting;

/// <summary>
/// Connects the Redis engine while the application starts, before the server listens: up to
/// <see cref="FirstAttemptTimeout"/> for every connection's first attempt, then serving either way (the engine
/// reconnects in the background; its health check says why it is unhealthy). Once the server listens, the engine's
/// entry in the node registry shows this node's address.
/// </summary>
internal sealed class RedisEngineService(RedisEngine engine, IHostApplicationLifetime lifetime, IServer? server = null) : IHostedService
{
    public static readonly TimeSpan FirstAttemptTimeout = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        engine.Start();
        lifetime.ApplicationStarted.Register(() =>
        {
            if (engine.Address is null && server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address)
            {
                engine.Address = address;
            }
        });
        try
        {
            await engine.FirstAttemptsAsync(cancellationToken).WaitAsync(FirstAttemptTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Serving starts anyway: the health check reports the engine's problem until Redis answers.
        }
    }

    // The engine is a singleton: the container disposes it (leaving the node registry) after the hub is done.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
