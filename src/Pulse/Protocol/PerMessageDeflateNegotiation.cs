using System.Globalization;

namespace Pulse.Protocol;

/// <summary>
/// The permessage-deflate negotiation of RFC 7692 §5 and §7.1, both sides, as pure functions of the offers,
/// the answer and the local <see cref="CompressionOptions"/>.
/// </summary>
/// <remarks>
/// <para>
/// Server: <see cref="Negotiate"/> takes the client's offers in its order of preference and accepts the first
/// one it can (§5.1); an offer with an unknown parameter, a repeated parameter or an invalid value is declined,
/// never accepted, and when every offer is declined the connection goes on uncompressed.
/// </para>
/// <para>
/// Client: <see cref="CreateOffer"/> builds the one offer the options describe, and
/// <see cref="TryAcceptResponse"/> checks the server's answer against it; an answer with parameters the
/// offer did not allow fails the handshake (§7.1.1, §7.1.2).
/// </para>
/// </remarks>
public static class PerMessageDeflateNegotiation
{
    /// <summary>RFC 7692 §7.1.1.1.</summary>
    public const string ServerNoContextTakeover = "server_no_context_takeover";

    /// <summary>RFC 7692 §7.1.1.2.</summary>
    public const string ClientNoContextTakeover = "client_no_context_takeover";

    /// <summary>RFC 7692 §7.1.2.1.</summary>
    public const string ServerMaxWindowBitsName = "server_max_window_bits";

    /// <summary>RFC 7692 §7.1.2.2.</summary>
    public const string ClientMaxWindowBitsName = "client_max_window_bits";

    /// <summary>
    /// Chooses among the client's offers (§5.1: "the server accepts the first one it supports"). Returns the agreed
    /// parameters, or null when compression is off or every permessage-deflate offer was declined.
    /// </summary>
    /// <param name="offers">Every extension offer of the request, in order; other extensions are ignored.</param>
    /// <param name="options">What this server allows.</param>
    public static PerMessageDeflateParameters? Negotiate(IEnumerable<ExtensionOffer> offers, CompressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(offers);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        foreach (var offer in offers)
        {
            if (IsPerMessageDeflate(offer) && TryAcceptOffer(offer, options, out var agreed, out _))
            {
                return agreed;
            }
        }

        return null;
    }

    /// <summary>
    /// Decides one offer. False, with the reason, when the server must decline it: a parameter unknown,
    /// repeated or with an invalid value (§7.1), or a limit the offer does not let the server set.
    /// </summary>
    public static bool TryAcceptOffer(ExtensionOffer offer, CompressionOptions options, out PerMessageDeflateParameters? agreed, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(options);
        agreed = null;
        if ((reason = TryParse(offer, fromServer: false, out var offered)) is not null)
        {
            return false;
        }

        // §7.1.2.1: answer server_max_window_bits with "the same or smaller value as the offer"; a server may also
        // limit its window unasked. zlib cannot compress with an 8-bit window; see PerMessageDeflate for how 8 is kept.
        var serverBits = Math.Min(offered.ServerMaxWindowBits ?? 15, options.ServerMaxWindowBits);

        // §7.1.1.2: a server may add client_no_context_takeover to any answer. Once agreed, the client compresses
        // every message on its own, so our decompressor starts afresh for each one and is handed back after it:
        // the client's window then costs memory only while a message is being inflated, never while idle.
        var clientNoContextTakeover = offered.ClientNoContextTakeover || options.ClientNoContextTakeover;

        // §7.1.2.2: the server may limit the client's window only if the offer has client_max_window_bits, and
        // must not answer with it otherwise. Without it the client may use 15 bits, which is declined only when
        // the decompressor would keep that window for the connection's life (context takeover) although the
        // options ask for a smaller one.
        int clientBits;
        if (offered.ClientMaxWindowBits is { } clientOffer)
        {
            clientBits = Math.Min(clientOffer == 0 ? 15 : clientOffer, options.ClientMaxWindowBits);
        }
        else if (options.ClientMaxWindowBits < 15 && !clientNoContextTakeover)
        {
            reason = $"the offer has neither {ClientMaxWindowBitsName} nor {ClientNoContextTakeover}, and with the client's context kept "
                + $"the decompressor would hold a 15-bit window for the connection's life, not {options.ClientMaxWindowBits} bits";
            return false;
        }
        else
        {
            clientBits = 15;
        }

        // §7.1.1.1: a request for server_no_context_takeover is accepted by including it; a server may also set it unasked.
        agreed = new PerMessageDeflateParameters(
            ServerNoContextTakeover: offered.ServerNoContextTakeover || options.ServerNoContextTakeover,
            ClientNoContextTakeover: clientNoContextTakeover,
            ServerMaxWindowBits: serverBits,
            ClientMaxWindowBits: clientBits);
        return true;
    }

    /// <summary>The client's offer for <paramref name="options"/>, or null when compression is off.</summary>
    public static ExtensionOffer? CreateOffer(CompressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        var parameters = new List<KeyValuePair<string, string?>>();
        if (options.ServerNoContextTakeover)
        {
            parameters.Add(new(ServerNoContextTakeover, null));
        }

        if (options.ClientNoContextTakeover)
        {
            parameters.Add(new(ClientNoContextTakeover, null));
        }

        if (options.ServerMaxWindowBits < 15)
        {
            parameters.Add(new(ServerMaxWindowBitsName, Bits(options.ServerMaxWindowBits)));
        }

        // §7.1.2.2: without a value it says only that the client can honour a limit the server sets.
        parameters.Add(new(ClientMaxWindowBitsName, options.ClientMaxWindowBits < 15 ? Bits(options.ClientMaxWindowBits) : null));
        return new ExtensionOffer(PerMessageDeflateParameters.ExtensionName, parameters);
    }

    /// <summary>
    /// Checks the server's answer to the offer made from <paramref name="options"/>; false, with the reason,
    /// when the client must fail the connection (§7.1: a parameter unknown, repeated, invalid, or outside the offer).
    /// </summary>
    public static bool TryAcceptResponse(ExtensionOffer response, CompressionOptions options, out PerMessageDeflateParameters? agreed, out string? error)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(options);
        agreed = null;
        if (!IsPerMessageDeflate(response))
        {
            error = $"the answer is for {response.Name}, not {PerMessageDeflateParameters.ExtensionName}";
            return false;
        }

        if ((error = TryParse(response, fromServer: true, out var answer)) is not null)
        {
            return false;
        }

        // §7.1.1.1: a server that accepts a request for server_no_context_takeover includes it.
        if (options.ServerNoContextTakeover && !answer.ServerNoContextTakeover)
        {
            error = $"the server did not accept {ServerNoContextTakeover}, which was requested";
            return false;
        }

        // §7.1.2.1: "the same or smaller value as the offer", and present when one was offered.
        var serverBits = answer.ServerMaxWindowBits ?? 15;
        if (options.ServerMaxWindowBits < 15 && (answer.ServerMaxWindowBits is null || serverBits > options.ServerMaxWindowBits))
        {
            error = answer.ServerMaxWindowBits is null
                ? $"the server did not accept {ServerMaxWindowBitsName}={options.ServerMaxWindowBits}, which was requested"
                : $"the server chose {ServerMaxWindowBitsName}={serverBits}, more than the {options.ServerMaxWindowBits} offered";
            return false;
        }

        // §7.1.2.2: the server may send client_max_window_bits only to lower what was offered.
        var clientBits = answer.ClientMaxWindowBits ?? options.ClientMaxWindowBits;
        if (clientBits > options.ClientMaxWindowBits)
        {
            error = $"the server chose {ClientMaxWindowBitsName}={clientBits}, more than the {options.ClientMaxWindowBits} offered";
            return false;
        }

        agreed = new PerMessageDeflateParameters(
            ServerNoContextTakeover: answer.ServerNoContextTakeover,
            ClientNoContextTakeover: answer.ClientNoContextTakeover || options.ClientNoContextTakeover,
            ServerMaxWindowBits: serverBits,
            ClientMaxWindowBits: clientBits);
        return true;
    }

    /// <summary>Whether <paramref name="offer"/> names permessage-deflate (extension tokens are case-insensitive).</summary>
    public static bool IsPerMessageDeflate(ExtensionOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        return string.Equals(offer.Name, PerMessageDeflateParameters.ExtensionName, StringComparison.OrdinalIgnoreCase);
    }

    // The parameters as written; ClientMaxWindowBits is 0 for "present without a value" (only valid in an offer).
    private record struct Parsed(bool ServerNoContextTakeover, bool ClientNoContextTakeover, int? ServerMaxWindowBits, int? ClientMaxWindowBits);

    // RFC 7692 §7.1: "A server MUST decline an extension negotiation offer ... if ... the negotiation offer contains an
    // extension parameter not defined for use in an offer / has an extension parameter with an invalid value / includes
    // multiple extension parameters with the same name"; §7.1 asks the same of a client reading the answer.
    private static string? TryParse(ExtensionOffer offer, bool fromServer, out Parsed parsed)
    {
        parsed = default;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in offer.Parameters)
        {
            if (!seen.Add(name))
            {
                return $"{name} appears more than once";
            }

            switch (name.ToLowerInvariant())
            {
                case ServerNoContextTakeover:
                    if (value is not null)
                    {
                        return $"{name} takes no value";
                    }

                    parsed.ServerNoContextTakeover = true;
                    break;
                case ClientNoContextTakeover:
                    if (value is not null)
                    {
                        return $"{name} takes no value";
                    }

                    parsed.ClientNoContextTakeover = true;
                    break;
                case ServerMaxWindowBitsName:
                    // §7.1.2.1: always with a value.
                    if (!TryParseBits(value, out var serverBits))
                    {
                        return $"{name} must be a number from 8 to 15, not '{value}'";
                    }

                    parsed.ServerMaxWindowBits = serverBits;
                    break;
                case ClientMaxWindowBitsName:
                    // §7.1.2.2: "may have no value" in an offer; an answer always gives one.
                    if (value is null && !fromServer)
                    {
                        parsed.ClientMaxWindowBits = 0;
                    }
                    else if (TryParseBits(value, out var clientBits))
                    {
                        parsed.ClientMaxWindowBits = clientBits;
                    }
                    else
                    {
                        return $"{name} must be a number from 8 to 15, not '{value}'";
                    }

                    break;
                default:
                    return $"unknown parameter {name}";
            }
        }

        return null;
    }

    // §7.1.2.1: "a decimal integer value without leading zeros between 8 to 15, inclusive".
    private static bool TryParseBits(string? value, out int bits)
    {
        bits = 0;
        if (value is null || value.Length is < 1 or > 2 || value[0] == '0' || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out bits))
        {
            return false;
        }

        return bits is >= CompressionOptions.MinWindowBits and <= CompressionOptions.MaxWindowBits;
    }

    private static string Bits(int bits) => bits.ToString(CultureInfo.InvariantCulture);
}
