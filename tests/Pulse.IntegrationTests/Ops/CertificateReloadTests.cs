using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Ops;

/// <summary>pulse serve picks up a renewed certificate from its files without a restart; open connections carry on.</summary>
public sealed class CertificateReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pulse-reload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ClientOptions Trusting(X509Certificate2 certificate) =>
        new() { TrustedCertificates = [X509CertificateLoader.LoadCertificate(certificate.RawData)] };

    /// <summary>The thumbprint of the certificate a new TLS connection is served.</summary>
    private static async Task<string> ServedThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).DefaultTimeout();
        // Only reading which certificate is served, not trusting it with anything.
#pragma warning disable CA5359
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
#pragma warning restore CA5359
        await tls.AuthenticateAsClientAsync("localhost").DefaultTimeout();
        return tls.RemoteCertificate!.GetCertHashString();
    }

    private static async Task WaitUntilServedAsync(int port, X509Certificate2 expected)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (await ServedThumbprintAsync(port) != expected.Thumbprint)
        {
            Assert.True(DateTime.UtcNow < deadline, "the renewed certificate was never served");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task RenewedPemFiles_AreServedToNewConnections_AndOpenOnesCarryOn()
    {
        using var first = TestCertificates.CreateSelfSigned();
        using var renewed = TestCertificates.CreateSelfSigned();
        var (certificatePath, keyPath) = TestCertificates.WritePem(first, _directory);
        await using var server = await PulseServerFixture.StartAsync(o => (o.CertificatePath, o.KeyPath) = (certificatePath, keyPath));
        var port = server.EndPoints[0].Port;
        var echo = new Uri($"wss://localhost:{port}/echo");
        await using var before = await WebSocketClient.ConnectAsync(echo, Trusting(first)).DefaultTimeout();

        TestCertificates.WritePem(renewed, _directory);
        await WaitUntilServedAsync(port, renewed);
        await using var after = await WebSocketClient.ConnectAsync(echo, Trusting(renewed)).DefaultTimeout();

        await before.SendAsync("opened before").DefaultTimeout();
        Assert.Equal("opened before", (await before.ReceiveAsync().DefaultTimeout()).Text);
        await after.SendAsync("opened after").DefaultTimeout();
        Assert.Equal("opened after", (await after.ReceiveAsync().DefaultTimeout()).Text);
    }

    [Fact]
    public async Task ASymlinkSwap_AsKubernetesDoes_IsPickedUp()
    {
        using var first = TestCertificates.CreateSelfSigned();
        using var renewed = TestCertificates.CreateSelfSigned();
        var v1 = Directory.CreateDirectory(Path.Combine(_directory, "v1")).FullName;
        var v2 = Directory.CreateDirectory(Path.Combine(_directory, "v2")).FullName;
        TestCertificates.WritePem(first, v1);
        TestCertificates.WritePem(renewed, v2);
        var certificatePath = Path.Combine(_directory, "tls.crt");
        var keyPath = Path.Combine(_directory, "tls.key");
        File.CreateSymbolicLink(certificatePath, Path.Combine(v1, "server.crt"));
        File.CreateSymbolicLink(keyPath, Path.Combine(v1, "server.key"));
        await using var server = await PulseServerFixture.StartAsync(o => (o.CertificatePath, o.KeyPath) = (certificatePath, keyPath));
        var port = server.EndPoints[0].Port;
        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(port));

        // New links made aside and renamed over the old ones: each file flips in one step.
        Swap(keyPath, Path.Combine(v2, "server.key"));
        Swap(certificatePath, Path.Combine(v2, "server.crt"));

        await WaitUntilServedAsync(port, renewed);
    }

    [Fact]
    public void FilesThatDoNotLoad_KeepTheCurrentCertificate_AndSaySo()
    {
        using var first = TestCertificates.CreateSelfSigned();
        var (certificatePath, keyPath) = TestCertificates.WritePem(first, _directory);
        using var reloading = new ReloadingCertificate(certificatePath, keyPath);
        using var failed = new SemaphoreSlim(0);
        Exception? error = null;
        reloading.ReloadFailed += e =>
        {
            error = e;
            failed.Release();
        };

        File.WriteAllText(certificatePath, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

        Assert.True(failed.Wait(TestTimeouts.Default), "no reload was attempted");
        Assert.IsType<ArgumentException>(error);
        Assert.Equal(first.Thumbprint, reloading.Certificate.Thumbprint);
    }

    [Fact]
    public void UnchangedFiles_AreNotLoadedAgain()
    {
        using var first = TestCertificates.CreateSelfSigned();
        var (certificatePath, keyPath) = TestCertificates.WritePem(first, _directory);
        using var reloading = new ReloadingCertificate(certificatePath, keyPath);
        var reloaded = 0;
        reloading.Reloaded += _ => reloaded++;
        var context = reloading.Context;

        reloading.Reload();

        Assert.Equal(0, reloaded);
        Assert.Same(context, reloading.Context);
    }

    private static void Swap(string link, string target)
    {
        var aside = link + ".new";
        File.CreateSymbolicLink(aside, target);
        File.Move(aside, link, overwrite: true);
    }
}
