using System.Security.Cryptography;
using System.Text;

namespace Pulse.Testing;

/// <summary>
/// Test payloads of exact sizes, by the rule the peer scripts in tests/peers share, so a C# test and a Python
/// or Node peer build the same bytes: binary byte <c>i</c> is <c>i % 251</c> (a prime, so the pattern never
/// lines up with the 4-byte mask); text repeats the 10 UTF-8 bytes of "aé€😀" (1-, 2-, 3- and 4-byte
/// characters) and pads with "a", so it is valid UTF-8 of exactly the size asked.
/// </summary>
public static class Payloads
{
    private static readonly byte[] s_textUnit = Encoding.UTF8.GetBytes("a\u00e9\u20ac\U0001F600");

    public static byte[] Binary(int size)
    {
        var payload = new byte[size];
        for (var i = 0; i < size; i++)
        {
            payload[i] = (byte)(i % 251);
        }

        return payload;
    }

    public static byte[] Utf8Text(int size)
    {
        var payload = new byte[size];
        var whole = size - (size % s_textUnit.Length);
        for (var i = 0; i < whole; i += s_textUnit.Length)
        {
            s_textUnit.CopyTo(payload, i);
        }

        payload.AsSpan(whole).Fill((byte)'a');
        return payload;
    }

    public static byte[] For(MessageType type, int size) => type == MessageType.Text ? Utf8Text(size) : Binary(size);

    /// <summary>The first 16 hex digits of the SHA-256 of <paramref name="bytes"/>, as the peer scripts print it.</summary>
    public static string Digest(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    /// <summary>A short description of how two byte strings differ, or null when they are equal; for assertion messages that do not print megabytes.</summary>
    public static string? Difference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var common = expected.CommonPrefixLength(actual);
        if (common == expected.Length && common == actual.Length)
        {
            return null;
        }

        return $"expected {expected.Length} B ({Digest(expected)}), got {actual.Length} B ({Digest(actual)}); first difference at byte {common}";
    }
}
