using System.Text;

namespace Pulse.Protocol;

/// <summary>
/// Strings for parsed heads without a new string per field on every handshake: the header names clients send
/// come from a fixed table, and for each of those names the last value seen is reused while clients keep
/// sending the same one (Host, Upgrade, Connection, Sec-WebSocket-Version, User-Agent, Origin...). Besides the
/// garbage per handshake, this shrinks what an open connection keeps for <see cref="HandshakeRequest.Headers"/>:
/// its fields point at shared strings.
/// </summary>
/// <remarks>
/// Names are matched exactly, so the spelling received is the spelling kept. The value caches hold one string
/// per known name; threads race on them harmlessly (a reference write either way). Sec-WebSocket-Key differs on
/// every handshake, so it is not cached.
/// </remarks>
internal static class HeaderStrings
{
    private const int NotKnown = -1;

    private static readonly string[] s_names =
    [
        "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
        "Sec-WebSocket-Protocol", "Origin", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language",
        "Cache-Control", "Pragma", "X-Forwarded-For", "X-Forwarded-Proto", "X-Real-IP", "Content-Length",
        "Server", "Date", "Sec-WebSocket-Accept",
        "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
        "sec-websocket-protocol", "origin", "user-agent", "accept", "accept-encoding", "accept-language",
        "cache-control", "pragma", "x-forwarded-for", "x-forwarded-proto", "x-real-ip", "content-length",
        "server", "date", "sec-websocket-accept",
    ];

    private static readonly string?[] s_lastValues = new string?[s_names.Length];
    private static string? s_lastTarget;

    /// <summary>The name as a string: a shared one when it is in the table (<paramref name="known"/> says which).</summary>
    public static string Name(ReadOnlySpan<byte> name, out int known)
    {
        for (var i = 0; i < s_names.Length; i++)
        {
            if (Ascii.Equals(name, s_names[i]))
            {
                known = i;
                return s_names[i];
            }
        }

        known = NotKnown;
        return Encoding.ASCII.GetString(name);
    }

    /// <summary>The value as a string (Latin-1): the last one seen for the same known name when it is equal.</summary>
    public static string Value(int known, ReadOnlySpan<byte> value)
    {
        if (known == NotKnown || IsKey(known))
        {
            return Encoding.Latin1.GetString(value);
        }

        if (Volatile.Read(ref s_lastValues[known]) is { } last && Ascii.Equals(value, last))
        {
            return last;
        }

        var fresh = Encoding.Latin1.GetString(value);
        Volatile.Write(ref s_lastValues[known], fresh);
        return fresh;
    }

    /// <summary>The request target (ASCII, already checked): the last one seen when it is equal.</summary>
    public static string Target(ReadOnlySpan<byte> target)
    {
        if (Volatile.Read(ref s_lastTarget) is { } last && Ascii.Equals(target, last))
        {
            return last;
        }

        var fresh = Encoding.ASCII.GetString(target);
        Volatile.Write(ref s_lastTarget, fresh);
        return fresh;
    }

    private static bool IsKey(int known) => s_names[known].Length == "Sec-WebSocket-Key".Length
        && s_names[known].Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase);
}
