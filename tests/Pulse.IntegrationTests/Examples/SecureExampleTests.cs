using System.Security.Cryptography.X509Certificates;
using Examples.Secure;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Examples;

/// <summary>examples/Secure: wss with a self-signed certificate made on first run; the client trusts exactly it.</summary>
[Trait("Category", "Examples")]
public sealed class SecureExampleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Directory.CreateTempSubdirectory("pulse-secure-").FullName, "certificate");

    [Fact]
    public async Task ClientTrustingTheCertificate_IsGreetedOverWss()
    {
        await using var server = await SecureServer.StartAsync(0, _directory).DefaultTimeout();

        var greeting = await SecureClient.GreetAsync(new Uri($"wss://localhost:{server.Port}/"), "Ada", _directory).DefaultTimeout();

        Assert.Equal("Hello Ada!", greeting);
    }

    [Fact]
    public async Task ClientsWithoutThatCertificate_AreRefused()
    {
        await using var server = await SecureServer.StartAsync(0, _directory).DefaultTimeout();
        var uri = new Uri($"wss://localhost:{server.Port}/");
        using var another = TestCertificates.CreateSelfSigned();
        var trustingAnother = new ClientOptions { TrustedCertificates = [X509CertificateLoader.LoadCertificate(another.RawData)] };

        var systemRoots = await Assert.ThrowsAsync<ConnectFailedException>(() => WebSocketClient.ConnectAsync(uri).DefaultTimeout());
        var otherRoot = await Assert.ThrowsAsync<ConnectFailedException>(() => WebSocketClient.ConnectAsync(uri, trustingAnother).DefaultTimeout());

        Assert.Contains("TLS handshake", systemRoots.Message, StringComparison.Ordinal);
        Assert.Contains("TLS handshake", otherRoot.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstRun_MakesTheCertificate_LaterRunsReuseIt()
    {
        string firstThumbprint;
        await using (await SecureServer.StartAsync(0, _directory).DefaultTimeout())
        {
            using var first = SelfSignedCertificate.LoadPublic(_directory);
            firstThumbprint = first.Thumbprint;
        }

        await using var again = await SecureServer.StartAsync(0, _directory).DefaultTimeout();
        using var second = SelfSignedCertificate.LoadPublic(_directory);

        Assert.Equal(firstThumbprint, second.Thumbprint);
        Assert.False(second.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
        {
            // The private key is readable by its owner only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "localhost.pfx")));
        }
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
}
