using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// A permessage-deflate offer sent exactly as given (<c>--extensions</c>), the way a browser makes its own, and the
/// check of the server's answer against it (RFC 7692 §7.1). Pulse's client cannot make every such offer (it always
/// sends <c>client_max_window_bits</c>), so the generator writes the header itself.
/// </summary>
internal sealed class DeflateOffer
{
    private readonly CompressionOptions _asOffered;
    private readonly bool _offersClientMaxWindowBits;

    private DeflateOffer(string header, CompressionOptions asOffered, bool offersClientMaxWindowBits)
    {
        Header = header;
        _asOffered = asOffered;
        _offersClientMaxWindowBits = offersClientMaxWindowBits;
    }

    /// <summary>The <c>Sec-WebSocket-Extensions</c> value sent.</summary>
    public string Header { get; }

    /// <summary>What the generator compresses with: the client's side of the agreed parameters.</summary>
    public CompressionOptions Options => _asOffered;

    /// <summary>Parses <c>--extensions</c>: one permessage-deflate offer with valid parameters.</summary>
    /// <exception cref="UsageException">It is not one, saying why.</exception>
    public static DeflateOffer Parse(string value)
    {
        if (!ExtensionOffer.TryParse([value], out var offers, out var error) || offers.Count != 1 || !PerMessageDeflateNegotiation.IsPerMessageDeflate(offers[0]))
        {
            throw new UsageException($"--extensions '{value}': {error ?? "expected one permessage-deflate offer, such as 'permessage-deflate' or 'permessage-deflate; client_max_window_bits'"}");
        }

        // A server that allows everything and forces nothing agrees to exactly what was offered.
        var open = new CompressionOptions { ServerMaxWindowBits = 15, ClientMaxWindowBits = 15, ServerNoContextTakeover = false, ClientNoContextTakeover = false };
        if (!PerMessageDeflateNegotiation.TryAcceptOffer(offers[0], open, out var offered, out var reason))
        {
            throw new UsageException($"--extensions '{value}': {reason}");
        }

        var asOffered = new CompressionOptions
        {
            ServerNoContextTakeover = offered!.ServerNoContextTakeover,
            ClientNoContextTakeover = offered.ClientNoContextTakeover,
            ServerMaxWindowBits = offered.ServerMaxWindowBits,
            ClientMaxWindowBits = offered.ClientMaxWindowBits,

            // Every message the generator sends is meant to go compressed.
            MinimumSize = 0,
        };
        var offersClientMaxWindowBits = offers[0].Parameters.Any(p => string.Equals(p.Key, PerMessageDeflateNegotiation.ClientMaxWindowBitsName, StringComparison.OrdinalIgnoreCase));
        return new DeflateOffer(value, asOffered, offersClientMaxWindowBits);
    }

    /// <summary>
    /// Checks the server's answer (its <c>Sec-WebSocket-Extensions</c>, null when it declined) and returns what was
    /// agreed, or null when the connection goes on uncompressed.
    /// </summary>
    /// <exception cref="IOException">The answer breaks RFC 7692 §7.1 for this offer; the message says how.</exception>
    public PerMessageDeflateParameters? Accept(string? answer)
    {
        if (answer is null)
        {
            return null;
        }

        if (!ExtensionOffer.TryParse([answer], out var answers, out var error) || answers.Count != 1)
        {
            throw new IOException($"invalid Sec-WebSocket-Extensions answer '{answer}': {error ?? "more than one extension"}");
        }

        // §7.1.2.2: "the server MUST NOT include the client_max_window_bits extension parameter" unless offered.
        if (!_offersClientMaxWindowBits && answers[0].Parameters.Any(p => string.Equals(p.Key, PerMessageDeflateNegotiation.ClientMaxWindowBitsName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new IOException($"the server answered '{answer}': {PerMessageDeflateNegotiation.ClientMaxWindowBitsName} was not offered (RFC 7692 §7.1.2.2)");
        }

        if (!PerMessageDeflateNegotiation.TryAcceptResponse(answers[0], _asOffered, out var agreed, out error))
        {
            throw new IOException($"the server answered '{answer}': {error}");
        }

        return agreed;
    }
}
