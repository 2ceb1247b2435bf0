using Microsoft.Extensions.DependencyInjection;

namespace Pulse.Hub.Hosting;

/// <summary>
/// What <c>services.AddPulseHub()</c> returns, to go on configuring the hub: <c>.Configure(...)</c>,
/// <c>.BindConfiguration("Pulse:Hub")</c>, <c>.AddRedis(...)</c>.
/// </summary>
public interface IPulseHubBuilder
{
    /// <summary>The application's services, where the hub is registered.</summary>
    IServiceCollection Services { get; }
}

/// <summary>The builder <c>AddPulseHub</c> returns.</summary>
internal sealed class PulseHubBuilder(IServiceCollection services) : IPulseHubBuilder
{
    public IServiceCollection Services { get; } = services;
}
