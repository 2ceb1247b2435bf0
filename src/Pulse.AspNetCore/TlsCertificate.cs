using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pulse;

/// <summary>Loads a server certificate with its private key from PEM or PFX files.</summary>
public static class TlsCertificate
{
    /// <summary>
    /// Loads <paramref name="certificatePath"/>: a PFX/PKCS#12 file (<c>.pfx</c>, <c>.p12</c>, with
    /// <paramref name="password"/>), or a PEM certificate whose key is in <paramref name="keyPath"/> or in the
    /// same file.
    /// </summary>
    /// <exception cref="ArgumentException">A file is missing, unreadable, or holds no private key; the message names the file.</exception>
    public static X509Certificate2 Load(string certificatePath, string? keyPath = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        if (!File.Exists(certificatePath))
        {
            throw new ArgumentException($"certificate file not found: {certificatePath}", nameof(certificatePath));
        }

        if (keyPath is not null && !File.Exists(keyPath))
        {
            throw new ArgumentException($"key file not found: {keyPath}", nameof(keyPath));
        }

        X509Certificate2 certificate;
        try
        {
            var extension = Path.GetExtension(certificatePath).ToUpperInvariant();
            if (extension is ".PFX" or ".P12")
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password);
            }
            else
            {
                certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

                // SslStream on Linux needs the key in a form it can export to OpenSSL; a PKCS#12 round trip gives that.
                var exported = certificate.Export(X509ContentType.Pkcs12);
                certificate.Dispose();
                certificate = X509CertificateLoader.LoadPkcs12(exported, null);
            }
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"cannot load certificate {certificatePath}{(keyPath is null ? "" : $" with key {keyPath}")}: {e.Message}", nameof(certificatePath), e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"certificate {certificatePath} has no private key (give the key file)", nameof(keyPath));
        }

        return certificate;
    }
}
