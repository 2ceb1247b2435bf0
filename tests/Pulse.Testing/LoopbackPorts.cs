using System.Net;
using System.Net.Sockets;

namespace Pulse.Testing;

/// <summary>Ports for programs that must be told theirs up front (nginx, redis-server, a server restarted in place).</summary>
public static class LoopbackPorts
{
    /// <summary>A port free on 127.0.0.1 when asked; the caller binds it right after.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
