namespace Pulse.InteropTests;

/// <summary>Pulse against the npm ws package (8.x, pinned in tests/peers/package.json), both ways: its client against Pulse's server, Pulse's client against its server.</summary>
[Trait("Category", "Interop")]
public sealed class NodeWsTests
{
    private static readonly EchoPeer s_peer = EchoPeer.Node;

    [Fact]
    public Task NodeClient_EchoesTextAndBinary_0BTo16MiB() => EchoScenarios.PeerClientAgainstPulseEchoAsync(s_peer);

    [Fact]
    public Task NodeClient_FragmentedMessages_AreReassembledAndEchoed() => EchoScenarios.PeerClientSendsFragmentedMessagesToPulseEchoAsync(s_peer);

    [Fact]
    public Task PulseClient_AgainstNodeServer_EchoesTextAndBinary_0BTo16MiB() => EchoScenarios.PulseClientAgainstPeerEchoAsync(s_peer);

    [Fact]
    public Task NodeClient_ClosesWith1000_PulseServerSeesCodeAndReasonAndAnswers1000() => EchoScenarios.PeerClosesWith1000Async(s_peer);

    [Fact]
    public Task PulseServer_ClosesWith1001_NodeClientSeesCodeAndReason() => EchoScenarios.PulseServerClosesWith1001Async(s_peer);

    [Fact]
    public Task PulseClient_ClosesWith1001_NodeServerSeesCodeAndReason() => EchoScenarios.PulseClientClosesWith1001Async(s_peer);

    [Fact]
    public Task NodeServer_ClosesWith1000_PulseClientEndsWithOkKind() => EchoScenarios.PeerServerClosesAsync(s_peer, 1000);

    [Fact]
    public Task NodeServer_ClosesWith4001_PulseClientEndsWithErrorKind() => EchoScenarios.PeerServerClosesAsync(s_peer, 4001);
}
