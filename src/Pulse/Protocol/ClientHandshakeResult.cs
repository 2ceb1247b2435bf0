namespace Pulse.Protocol;

/// <summary>What <see cref="ClientHandshake.Validate"/> found.</summary>
/// <param name="Accepted">Whether the server accepted the connection correctly.</param>
/// <param name="Subprotocol">The subprotocol the server chose, or null.</param>
/// <param name="Extensions">The extensions the server accepted.</param>
/// <param name="Error">When not accepted, what was wrong, in one sentence.</param>
/// <param name="Compression">The permessage-deflate parameters the server accepted, or null for none.</param>
public sealed record ClientHandshakeResult(bool Accepted, string? Subprotocol, IReadOnlyList<ExtensionOffer> Extensions, string? Error, PerMessageDeflateParameters? Compression = null);
