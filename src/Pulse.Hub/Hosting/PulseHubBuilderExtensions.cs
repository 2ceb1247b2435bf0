using Microsoft.Extensions.Options;
using Pulse.Hub.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the hub registered by <c>AddPulseHub</c>, through <see cref="IOptions{HubOptions}"/>.</summary>
public static class PulseHubBuilderExtensions
{
    /// <summary>Configures the hub's options; several calls apply in order.</summary>
    public static IPulseHubBuilder Configure(this IPulseHubBuilder hub, Action<HubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(configure);
        hub.Services.Configure(configure);
        return hub;
    }

    /// <summary>
    /// Binds the hub's options from the application's configuration section <paramref name="sectionPath"/>
    /// (for example <c>"Pulse:Hub"</c> in <c>appsettings.json</c>: <c>AllowAnonymous</c>, <c>MaxPublishSize</c>,
    /// <c>Namespaces:chat:HistorySize</c>, <c>WebSocket:PingInterval</c>, ...). A key that names no option fails the
    /// application's start, as does a value out of range: a typo is not silently ignored.
    /// </summary>
    public static IPulseHubBuilder BindConfiguration(this IPulseHubBuilder hub, string sectionPath)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentException.ThrowIfNullOrEmpty(sectionPath);
        hub.Services.AddOptions<HubOptions>().BindConfiguration(sectionPath, binder => binder.ErrorOnUnknownConfiguration = true);
        return hub;
    }
}
