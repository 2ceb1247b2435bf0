namespace Pulse.InteropTests;

/// <summary>Pulse against Debian's python3-websockets (10.4), both ways: its client against Pulse's server, Pulse's client against its server.</summary>
[Trait("Category", "Interop")]
public sealed class PythonWebsocketsTests
{
    private static readonly EchoPeer s_peer = EchoPeer.Python;

    [Fact]
    public Task PythonClient_EchoesTextAndBinary_0BTo16MiB() => EchoScenarios.PeerClientAgainstPulseEchoAsync(s_peer);

    [Fact]
    public Task PythonClient_FragmentedMessages_AreReassembledAndEchoed() => EchoScenarios.PeerClientSendsFragmentedMessagesToPulseEchoAsync(s_peer);

    [Fact]
    public Task PulseClient_AgainstPythonServer_EchoesTextAndBinary_0BTo16MiB() => EchoScenarios.PulseClientAgainstPeerEchoAsync(s_peer);

    [Fact]
    public Task PythonClient_ClosesWith1000_PulseServerSeesCodeAndReasonAndAnswers1000() => EchoScenarios.PeerClosesWith1000Async(s_peer);

    [Fact]
    public Task PulseServer_ClosesWith1001_PythonClientSeesCodeAndReason() => EchoScenarios.PulseServerClosesWith1001Async(s_peer);

    [Fact]
    public Task PulseClient_ClosesWith1001_PythonServerSeesCodeAndReason() => EchoScenarios.PulseClientClosesWith1001Async(s_peer);

    [Fact]
    public Task PythonServer_ClosesWith1000_PulseClientEndsWithOkKind() => EchoScenarios.PeerServerClosesAsync(s_peer, 1000);

    [Fact]
    public Task PythonServer_ClosesWith4001_PulseClientEndsWithErrorKind() => EchoScenarios.PeerServerClosesAsync(s_peer, 4001);
}
