using System.Net;
using Pulse.Protocol;

namespace Pulse.Hosting;

/// <summary>
/// Who a connection is from. Behind a reverse proxy the TCP peer is the proxy; when that peer is trusted, the
/// client is the nearest address in <c>X-Forwarded-For</c> that is not itself a trusted proxy (each proxy appends
/// the address it saw, so the list is read from the right: anything left of an untrusted hop could be forged).
/// </summary>
internal static class ClientAddress
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public static EndPoint? Resolve(EndPoint? peer, HeaderFields headers, IList<IPNetwork> trustedProxies)
    {
        if (trustedProxies.Count == 0 || peer is not IPEndPoint { Address: var address } || !IsTrusted(address, trustedProxies))
        {
            return peer;
        }

        EndPoint? client = peer;
        foreach (var header in headers.GetValues(ForwardedForHeader).Reverse())
        {
            foreach (var hop in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                if (!TryParseHop(hop, out var hopAddress))
                {
                    // Garbage in the chain: stop at the last hop we could read rather than guess.
                    return client;
                }

                client = new IPEndPoint(hopAddress, 0);
                if (!IsTrusted(hopAddress, trustedProxies))
                {
                    return client;
                }
            }
        }

        return client;
    }

    private static bool IsTrusted(IPAddress address, IList<IPNetwork> trustedProxies)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    // Hops are bare addresses; some proxies add a port ("203.0.113.7:5123", "[2001:db8::1]:5123").
    private static bool TryParseHop(string hop, out IPAddress address)
    {
        if (IPAddress.TryParse(hop, out address!))
        {
            return true;
        }

        return IPEndPoint.TryParse(hop, out var endPoint) && (address = endPoint.Address) is not null;
    }
}
