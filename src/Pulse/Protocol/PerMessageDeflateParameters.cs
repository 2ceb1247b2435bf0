namespace Pulse.Protocol;

/// <summary>
/// What a permessage-deflate negotiation agreed (RFC 7692 §7.1): for each direction, whether the compressor
/// keeps its context between messages and how large its LZ77 window may be.
/// </summary>
/// <param name="ServerNoContextTakeover">The server compresses every message on its own (§7.1.1.1).</param>
/// <param name="ClientNoContextTakeover">The client compresses every message on its own (§7.1.1.2).</param>
/// <param name="ServerMaxWindowBits">The server's window, in bits (8–15); 15 when the answer did not say (§7.1.2.1).</param>
/// <param name="ClientMaxWindowBits">The client's window, in bits (8–15); 15 when the answer did not say (§7.1.2.2).</param>
public sealed record PerMessageDeflateParameters(
    bool ServerNoContextTakeover = false,
    bool ClientNoContextTakeover = false,
    int ServerMaxWindowBits = 15,
    int ClientMaxWindowBits = 15)
{
    /// <summary>The extension's name in <c>Sec-WebSocket-Extensions</c>.</summary>
    public const string ExtensionName = "permessage-deflate";

    /// <summary>Whether <paramref name="role"/>'s compressor starts afresh for every message.</summary>
    public bool NoContextTakeover(Role role) => role == Role.Server ? ServerNoContextTakeover : ClientNoContextTakeover;

    /// <summary>The window, in bits, of <paramref name="role"/>'s compressor.</summary>
    public int MaxWindowBits(Role role) => role == Role.Server ? ServerMaxWindowBits : ClientMaxWindowBits;

    /// <summary>The agreed parameters as a server's answer: only what differs from RFC 7692's defaults.</summary>
    public ExtensionOffer ToResponse()
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        if (ServerNoContextTakeover)
        {
            parameters.Add(new(PerMessageDeflateNegotiation.ServerNoContextTakeover, null));
        }

        if (ClientNoContextTakeover)
        {
            parameters.Add(new(PerMessageDeflateNegotiation.ClientNoContextTakeover, null));
        }

        if (ServerMaxWindowBits < 15)
        {
            parameters.Add(new(PerMessageDeflateNegotiation.ServerMaxWindowBitsName, Bits(ServerMaxWindowBits)));
        }

        if (ClientMaxWindowBits < 15)
        {
            parameters.Add(new(PerMessageDeflateNegotiation.ClientMaxWindowBitsName, Bits(ClientMaxWindowBits)));
        }

        return new ExtensionOffer(ExtensionName, parameters);
    }

    /// <inheritdoc/>
    public override string ToString() => ExtensionOffer.Format([ToResponse()]);

    private static string Bits(int bits) => bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
