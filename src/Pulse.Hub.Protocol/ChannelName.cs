namespace Pulse.Hub.Protocol;

/// <summary>
/// Channel names (DESIGN §2): letters, digits and <c>:_-.</c>, 1 to 128 characters. The part before the first
/// <c>:</c> is the namespace, which has its own options; a name without <c>:</c> is in the default namespace ("").
/// </summary>
public static class ChannelName
{
    /// <summary>The longest channel name.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether <paramref name="channel"/> is a valid name.</summary>
    public static bool IsValid(string? channel)
    {
        if (string.IsNullOrEmpty(channel) || channel.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in channel)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The namespace of a valid channel name: <c>chat</c> for <c>chat:lobby</c>, "" for <c>lobby</c>.</summary>
    public static string GetNamespace(string channel)
    {
        var colon = channel.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : channel[..colon];
    }
}
