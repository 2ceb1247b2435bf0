using Pulse.Server;

namespace Pulse.Testing;

/// <summary>Starts what <c>pulse serve</c> runs, in-process, on 127.0.0.1 and a free port.</summary>
public static class PulseServerFixture
{
    public static Task<PulseServer> StartAsync(Action<ServeOptions>? configure = null)
    {
        var options = new ServeOptions { Port = 0, LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning };
        configure?.Invoke(options);
        return PulseServer.StartAsync(options).DefaultTimeout();
    }
}
