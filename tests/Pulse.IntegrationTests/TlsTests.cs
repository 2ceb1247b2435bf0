using System.Security.Cryptography.X509Certificates;
using Pulse.Testing;

namespace Pulse.IntegrationTests;

/// <summary>Issue 2 §4 and §6: wss from a PEM or PFX certificate; the client verifies by default, trusts a private root when told.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pulse-tls-").FullName;

    [Fact]
    public async Task Wss_ClientTrustingTheSelfSignedCertificate_EchoesOverTls()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Certificate = certificate });
        var options = new ClientOptions { TrustedCertificates = [X509CertificateLoader.LoadCertificate(certificate.RawData)] };

        await using var ws = await WebSocketClient.ConnectAsync(new Uri($"wss://localhost:{server.Port}/"), options).DefaultTimeout();
        await ws.SendAsync("secret").DefaultTimeout();

        Assert.Equal("secret", (await ws.ReceiveAsync().DefaultTimeout()).Text);
    }

    [Fact]
    public async Task Wss_UntrustedCertificate_RefusedByDefaultWithATlsMessage()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Certificate = certificate });

        var error = await Assert.ThrowsAsync<ConnectFailedException>(() => WebSocketClient.ConnectAsync(new Uri($"wss://localhost:{server.Port}/")).DefaultTimeout());

        Assert.Contains("TLS handshake with localhost failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainWs_AgainstATlsServer_SaysToUseWss()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Certificate = certificate });

        var error = await Assert.ThrowsAsync<ConnectFailedException>(() => WebSocketClient.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/")).DefaultTimeout());

        Assert.Contains("use a wss:// address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wss_InsecureSwitch_AcceptsAnyCertificate()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await LoopbackServer.StartEchoAsync(new ServerOptions { Certificate = certificate });

        await using var ws = await WebSocketClient.ConnectAsync(new Uri($"wss://127.0.0.1:{server.Port}/"), new ClientOptions { DangerousAcceptAnyServerCertificate = true }).DefaultTimeout();

        Assert.Equal(Protocol.ProtocolState.Open, ws.State);
    }

    [Fact]
    public async Task PulseServe_CertificateFromPemFiles_ServesWss()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var (certificatePath, keyPath) = TestCertificates.WritePem(certificate, _directory);
        await using var server = await PulseServerFixture.StartAsync(o => (o.CertificatePath, o.KeyPath) = (certificatePath, keyPath));
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(certificatePath);

        await using var ws = await WebSocketClient.ConnectAsync(new Uri($"wss://localhost:{server.EndPoints[0].Port}/echo"), new ClientOptions { TrustedCertificates = trust }).DefaultTimeout();
        await ws.SendAsync(new byte[] { 1, 2, 3 }).DefaultTimeout();

        Assert.Equal("wss", server.BaseUri.Scheme);
        Assert.Equal(new byte[] { 1, 2, 3 }, (await ws.ReceiveAsync().DefaultTimeout()).Data.ToArray());
    }

    [Fact]
    public void TlsCertificate_LoadsPfxWithPassword_AndNamesAMissingFile()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        var pfx = Path.Combine(_directory, "server.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, "pw"));

        using var loaded = TlsCertificate.Load(pfx, password: "pw");
        var missing = Assert.Throws<ArgumentException>(() => TlsCertificate.Load(Path.Combine(_directory, "nope.pem")));

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, loaded.Thumbprint);
        Assert.Contains("nope.pem", missing.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
