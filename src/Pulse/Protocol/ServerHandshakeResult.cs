namespace Pulse.Protocol;

/// <summary>What <see cref="ServerHandshake.Accept"/> decided.</summary>
/// <param name="Accepted">Whether the connection is accepted (the response is a 101).</param>
/// <param name="Response">The response to send.</param>
/// <param name="Subprotocol">The subprotocol chosen, or null.</param>
/// <param name="ExtensionOffers">The extensions the client offered, for negotiation by the caller.</param>
public sealed record ServerHandshakeResult(bool Accepted, HandshakeResponse Response, string? Subprotocol, IReadOnlyList<ExtensionOffer> ExtensionOffers);
