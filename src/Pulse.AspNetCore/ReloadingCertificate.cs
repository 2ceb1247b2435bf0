using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pulse;

/// <summary>
/// A server certificate loaded from PEM or PFX files (see <see cref="TlsCertificate.Load"/>) and loaded again when
/// they change on disk, so a renewed certificate (certbot, a Kubernetes secret) is served to new connections
/// without a restart. Connections already open keep the certificate they were opened with. A file caught half
/// written, or a renewal that does not load, leaves the current certificate in use and raises
/// <see cref="ReloadFailed"/>; the next change tries again.
/// </summary>
public sealed class ReloadingCertificate : IDisposable
{
    // Editors and renewal tools write in several steps; wait for them to settle before reading.
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(300);

    private readonly string _certificatePath;
    private readonly string? _keyPath;
    private readonly string? _password;
    private readonly FileSystemWatcher[] _watchers;
    private readonly Timer _settleTimer;
    private readonly Lock _lock = new();
    private Loaded _current;

    /// <summary>Loads the certificate and starts watching its files.</summary>
    /// <exception cref="ArgumentException">A file is missing or does not hold a certificate with its key.</exception>
    public ReloadingCertificate(string certificatePath, string? keyPath = null, string? password = null)
    {
        _certificatePath = Path.GetFullPath(certificatePath);
        _keyPath = keyPath is null ? null : Path.GetFullPath(keyPath);
        _password = password;
        _current = Load(Stamp());
        _settleTimer = new Timer(_ => Reload());

        // Watch the folders, not the files: renewals often replace a file (or a symlink) rather than write into it.
        _watchers = [.. new[] { _certificatePath, _keyPath }.OfType<string>().Select(Path.GetDirectoryName).OfType<string>().Distinct().Select(Watch)];
    }

    /// <summary>The certificate served to new connections now.</summary>
    public X509Certificate2 Certificate => Volatile.Read(ref _current).Certificate;

    /// <summary>The TLS context of <see cref="Certificate"/>, built once per load (chain included).</summary>
    public SslStreamCertificateContext Context => Volatile.Read(ref _current).Context;

    /// <summary>Raised after a changed certificate was loaded; the argument is the new one.</summary>
    public event Action<X509Certificate2>? Reloaded;

    /// <summary>Raised when the files changed but could not be loaded; the current certificate stays in use.</summary>
    public event Action<Exception>? ReloadFailed;

    /// <summary>Loads the files again now if they changed since the last load (also what a file change triggers).</summary>
    public void Reload()
    {
        X509Certificate2 loaded;
        lock (_lock)
        {
            Loaded next;
            try
            {
                var stamp = Stamp();
                if (stamp == _current.Stamp)
                {
                    return;
                }

                next = Load(stamp);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                ReloadFailed?.Invoke(e);
                return;
            }

            // The old certificate is not disposed: handshakes in progress may still be using it.
            Volatile.Write(ref _current, next);
            loaded = next.Certificate;
        }

        Reloaded?.Invoke(loaded);
    }

    /// <summary>Stops watching the files.</summary>
    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _settleTimer.Dispose();
    }

    private FileSystemWatcher Watch(string directory)
    {
        var watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => Settle();
        watcher.Created += (_, _) => Settle();
        watcher.Renamed += (_, _) => Settle();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void Settle() => _settleTimer.Change(s_settle, Timeout.InfiniteTimeSpan);

    // The stamp is taken before the files are read: a change made while reading triggers another load.
    private Loaded Load(string stamp)
    {
        var certificate = TlsCertificate.Load(_certificatePath, _keyPath, _password);
        return new Loaded(certificate, SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true), stamp);
    }

    // What identifies a version of the files: their resolved targets, sizes and write times.
    private string Stamp() => string.Join('|', new[] { _certificatePath, _keyPath }.OfType<string>().Select(StampOf));

    private static string StampOf(string path)
    {
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
            var info = new FileInfo(target);
            return info.Exists ? $"{target}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : $"{target}:missing";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Missing or unreadable: loading says which, in its own words.
            return $"{path}:{e.GetType().Name}";
        }
    }

    private sealed record Loaded(X509Certificate2 Certificate, SslStreamCertificateContext Context, string Stamp);
}
