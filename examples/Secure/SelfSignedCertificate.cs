using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Examples.Secure;

/// <summary>
/// A self-signed certificate for <c>localhost</c> and 127.0.0.1, made on first use and kept in a folder:
/// <c>localhost.pfx</c> (certificate and private key, for the server, readable by you only) and
/// <c>localhost.crt</c> (certificate only, for clients to trust). For development: nobody else trusts it.
/// </summary>
public static class SelfSignedCertificate
{
    public static string DefaultDirectory => Path.Combine(Path.GetTempPath(), "pulse-examples-secure");

    /// <summary>The server's certificate with its key: loaded if present and valid for another day, else made anew.</summary>
    public static X509Certificate2 LoadOrCreate(string directory)
    {
        var pfx = Path.Combine(directory, "localhost.pfx");
        var crt = Path.Combine(directory, "localhost.crt");
        if (File.Exists(pfx))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(pfx, null);
            if (existing.NotAfter > DateTime.Now.AddDays(1))
            {
                if (!File.Exists(crt))
                {
                    File.WriteAllText(crt, existing.ExportCertificatePem());
                }

                return existing;
            }

            existing.Dispose();
        }

        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));

        var pfxBytes = created.Export(X509ContentType.Pkcs12);
        File.WriteAllBytes(pfx, pfxBytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(pfx, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(crt, created.ExportCertificatePem());

        // Loaded back from PKCS#12, the key is in a form SslStream can use on Linux.
        return X509CertificateLoader.LoadPkcs12(pfxBytes, null);
    }

    /// <summary>The certificate alone, as a client that trusts exactly it needs it.</summary>
    /// <exception cref="FileNotFoundException">The server has not run yet, so there is no certificate.</exception>
    public static X509Certificate2 LoadPublic(string directory)
    {
        var crt = Path.Combine(directory, "localhost.crt");
        return File.Exists(crt)
            ? X509CertificateLoader.LoadCertificateFromFile(crt)
            : throw new FileNotFoundException($"No certificate in {directory} yet: start the server first, it makes one.", crt);
    }
}
