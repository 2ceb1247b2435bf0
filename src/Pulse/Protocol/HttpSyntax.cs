#if !NET9_0_OR_GREATER
using Pulse.Internal;
#endif
using System.Buffers;

namespace Pulse.Protocol;

/// <summary>The character classes and list rule of HTTP (RFC 9110 §5.5, §5.6) that the handshake code shares.</summary>
internal static class HttpSyntax
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<char> s_tokenChars = SearchValues.Create(TokenChars);
    private static readonly SearchValues<byte> s_tokenBytes = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>RFC 9110 §5.6.2: <c>token = 1*tchar</c>.</summary>
    public static bool IsToken(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept(s_tokenChars);

    /// <inheritdoc cref="IsToken(ReadOnlySpan{char})"/>
    public static bool IsToken(ReadOnlySpan<byte> text) => !text.IsEmpty && !text.ContainsAnyExcept(s_tokenBytes);

    public static bool IsTokenChar(char c) => s_tokenChars.Contains(c);

    public static bool IsOws(char c) => c is ' ' or '\t';

    /// <summary>RFC 9110 §5.5: <c>field-vchar = VCHAR / obs-text</c>, plus SP and HTAB inside a value.</summary>
    public static bool IsFieldValueChar(int c) => c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF);

    public static bool IsFieldValue(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!IsFieldValueChar(c))
            {
                return false;
            }
        }

        return true;
    }

    public static ReadOnlySpan<char> TrimOws(ReadOnlySpan<char> text) => text.Trim(" \t");

    /// <summary>
    /// The elements of a comma-separated list spread over any number of field lines, trimmed, with empty elements
    /// skipped (RFC 9110 §5.6.1.2: a recipient accepts and ignores empty list elements).
    /// </summary>
    public static List<string> ListElements(IEnumerable<string> fieldValues)
    {
        var elements = new List<string>();
        foreach (var value in fieldValues)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var element = TrimOws(value.AsSpan()[range]);
                if (!element.IsEmpty)
                {
                    elements.Add(element.ToString());
                }
            }
        }

        return elements;
    }

    /// <summary>Whether a list such as <c>Connection: keep-alive, Upgrade</c> holds <paramref name="token"/>, ignoring case.</summary>
    public static bool ListContains(IEnumerable<string> fieldValues, string token)
    {
        foreach (var element in ListElements(fieldValues))
        {
            if (string.Equals(element, token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
