namespace Pulse.Hub.Core;

/// <summary>Who a connection is, from a verified token.</summary>
/// <param name="User">The user id (the token's <c>sub</c>).</param>
/// <param name="Channels">
/// Private channels the user may use: exact names, or patterns ending in <c>*</c> (<c>private:*</c>, <c>*</c>).
/// </param>
/// <param name="ExpiresAtMs">When the token expires (Unix milliseconds); the connection is closed then. Null never.</param>
internal sealed record ClientIdentity(string User, IReadOnlyList<string> Channels, long? ExpiresAtMs)
{
    /// <summary>Whether the identity allows <paramref name="channel"/> as a private channel.</summary>
    public bool Allows(string channel)
    {
        foreach (var pattern in Channels)
        {
            if (pattern.EndsWith('*') ? channel.StartsWith(pattern[..^1], StringComparison.Ordinal) : channel == pattern)
            {
                return true;
            }
        }

        return false;
    }
}
