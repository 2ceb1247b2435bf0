namespace Pulse.Protocol;

/// <summary>What <see cref="ServerHandshake.Accept"/> or <see cref="ServerHandshake.AcceptExtendedConnect"/> decided.</summary>
/// <param name="Accepted">Whether the connection is accepted (the response is a 101, or a 200 to an HTTP/2 extended CONNECT).</param>
/// <param name="Response">The response to send.</param>
/// <param name="Subprotocol">The subprotocol chosen, or null.</param>
/// <param name="ExtensionOffers">The extensions the client offered.</param>
/// <param name="Compression">The permessage-deflate parameters agreed and sent in the response, or null for none.</param>
public sealed record ServerHandshakeResult(bool Accepted, HandshakeResponse Response, string? Subprotocol, IReadOnlyList<ExtensionOffer> ExtensionOffers, PerMessageDeflateParameters? Compression = null);
