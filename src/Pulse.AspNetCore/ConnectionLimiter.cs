using System.Net;

namespace Pulse;

/// <summary>
/// Counts open WebSocket connections, in all and per client address, and refuses one over either limit.
/// An endpoint holds one built from its own <see cref="ServerOptions.MaxConnections"/> and
/// <see cref="ServerOptions.MaxConnectionsPerAddress"/>; give several endpoints the same instance through
/// <see cref="ServerOptions.Limiter"/> to hold them to one limit together (as <c>pulse serve</c> does).
/// </summary>
public sealed class ConnectionLimiter
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly Lock _lock = new();
    private int _count;

    /// <summary>Creates a limiter; null leaves that limit off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public ConnectionLimiter(int? maxConnections = null, int? maxConnectionsPerAddress = null)
    {
        if (maxConnections is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConnections), maxConnections, "must be positive");
        }

        if (maxConnectionsPerAddress is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConnectionsPerAddress), maxConnectionsPerAddress, "must be positive");
        }

        MaxConnections = maxConnections;
        MaxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    /// <summary>The most connections at once, or null for no limit.</summary>
    public int? MaxConnections { get; }

    /// <summary>The most connections at once from one client address, or null for no limit.</summary>
    public int? MaxConnectionsPerAddress { get; }

    /// <summary>The connections counted now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The connections counted now from <paramref name="address"/>.</summary>
    public int CountOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_lock)
        {
            return _perAddress.GetValueOrDefault(Normalize(address));
        }
    }

    /// <summary>
    /// Counts a new connection from <paramref name="address"/> (null when unknown: only the overall limit applies),
    /// or says which limit it would break. Every success must be paired with one <see cref="Release"/>.
    /// </summary>
    /// <returns>Null when counted; otherwise why not, for the 503 response.</returns>
    public string? TryAcquire(IPAddress? address)
    {
        var perAddress = MaxConnectionsPerAddress is not null && address is not null;
        lock (_lock)
        {
            if (_count >= MaxConnections)
            {
                return "too many connections";
            }

            if (perAddress)
            {
                address = Normalize(address!);
                var fromAddress = _perAddress.GetValueOrDefault(address);
                if (fromAddress >= MaxConnectionsPerAddress)
                {
                    return "too many connections from your address";
                }

                _perAddress[address] = fromAddress + 1;
            }

            _count++;
            return null;
        }
    }

    /// <summary>Releases a connection counted by <see cref="TryAcquire"/> with the same address.</summary>
    public void Release(IPAddress? address)
    {
        lock (_lock)
        {
            _count--;
            if (MaxConnectionsPerAddress is not null && address is not null)
            {
                address = Normalize(address);
                var left = _perAddress.GetValueOrDefault(address) - 1;
                if (left > 0)
                {
                    _perAddress[address] = left;
                }
                else
                {
                    _perAddress.Remove(address);
                }
            }
        }
    }

    // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; one client is one key either way.
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
