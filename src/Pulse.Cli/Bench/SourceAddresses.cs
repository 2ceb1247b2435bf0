using System.Net;
using System.Net.Sockets;

namespace Pulse.Cli.Bench;

/// <summary>
/// The local addresses connections are bound to, taken in turn. Each source address has its own range of
/// ephemeral ports, so tens of thousands of connections to one server port do not run out of them.
/// </summary>
/// <remarks>Only loopback IPv4 addresses (127.0.0.0/8): Linux routes the whole block to <c>lo</c> with no setup.</remarks>
internal sealed class SourceAddresses
{
    private readonly IPAddress[] _addresses;

    private SourceAddresses(IPAddress[] addresses) => _addresses = addresses;

    /// <summary>Just 127.0.0.1.</summary>
    public static SourceAddresses Default { get; } = new([IPAddress.Loopback]);

    /// <summary>The addresses, in the order connections take them.</summary>
    public IReadOnlyList<IPAddress> Addresses => _addresses;

    /// <summary>The address for the <paramref name="connection"/>-th connection, from 0: round-robin.</summary>
    public IPAddress For(int connection) => _addresses[connection % _addresses.Length];

    /// <summary>Parses <c>--sources</c>: a comma-separated list of 127.x.y.z addresses.</summary>
    /// <exception cref="UsageException">The list is empty, or holds something else.</exception>
    public static SourceAddresses Parse(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new UsageException($"--sources '{value}': expected a comma-separated list such as 127.0.0.1,127.0.0.2");
        }

        var addresses = new List<IPAddress>();
        foreach (var part in parts)
        {
            if (!IPAddress.TryParse(part, out var address) || address.AddressFamily != AddressFamily.InterNetwork || part.Count(c => c == '.') != 3)
            {
                throw new UsageException($"--sources '{value}': '{part}' is not an IPv4 address");
            }

            if (!IPAddress.IsLoopback(address))
            {
                throw new UsageException($"--sources '{value}': {part} is not a loopback address (127.x.y.z)");
            }

            if (!addresses.Contains(address))
            {
                addresses.Add(address);
            }
        }

        return new SourceAddresses([.. addresses]);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join<IPAddress>(',', _addresses);
}
