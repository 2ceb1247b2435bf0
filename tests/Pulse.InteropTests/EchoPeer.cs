using Pulse.Testing;

namespace Pulse.InteropTests;

/// <summary>One implementation nobody here wrote, with its echo client and echo server scripts from tests/peers.</summary>
public sealed class EchoPeer
{
    private readonly string _program;
    private readonly string _clientScript;
    private readonly string _serverScript;
    private readonly Action _require;

    private EchoPeer(string name, string program, string clientScript, string serverScript, Action require)
    {
        Name = name;
        _program = program;
        _clientScript = clientScript;
        _serverScript = serverScript;
        _require = require;
    }

    /// <summary>Debian's python3-websockets (10.4), run by Debian's python3.</summary>
    public static EchoPeer Python { get; } = new("Python websockets", Peers.Python, "python_echo_client.py", "python_echo_server.py", Peers.RequirePythonWebsockets);

    /// <summary>The npm ws package, pinned in tests/peers/package.json.</summary>
    public static EchoPeer Node { get; } = new("Node ws", Peers.Node, "node_echo_client.mjs", "node_echo_server.mjs", Peers.RequireNodeWs);

    public string Name { get; }

    /// <summary>
    /// Runs the echo client against <paramref name="uri"/> with the steps in <paramref name="specs"/> (see the
    /// script's usage: <c>text:SIZE</c>, <c>binary:SIZE/PARTS</c>, <c>close:CODE:REASON</c>, <c>expect-close:CODE</c>).
    /// </summary>
    public Task<PeerRun> RunClientAsync(Uri uri, IEnumerable<string> specs, TimeSpan? timeout = null)
    {
        _require();
        return Peers.RunToEndAsync(_program, [Peers.Script(_clientScript), uri.ToString(), .. specs], timeout ?? TimeSpan.FromSeconds(120));
    }

    /// <summary>Starts the echo server; <c>/close/CODE</c> on it echoes one message, then closes with CODE.</summary>
    public Task<PeerServer> StartServerAsync()
    {
        _require();
        return PeerServer.StartAsync(_program, Peers.Script(_serverScript));
    }

    public override string ToString() => Name;
}
