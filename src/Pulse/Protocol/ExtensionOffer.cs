using System.Text;

namespace Pulse.Protocol;

/// <summary>One extension in a <c>Sec-WebSocket-Extensions</c> header (RFC 6455 §9.1), such as <c>permessage-deflate; client_max_window_bits</c>.</summary>
/// <param name="Name">The extension token.</param>
/// <param name="Parameters">Its parameters in order; a parameter without a value has a null value.</param>
/// <remarks>
/// The grammar is RFC 6455 §9.1: <c>extension-list = 1#extension</c>,
/// <c>extension = extension-token *( ";" extension-param )</c>,
/// <c>extension-param = token [ "=" (token | quoted-string) ]</c>, where a quoted value must still be a token once
/// unquoted. Whitespace around the separators is allowed, and empty list elements (<c>a, , b</c>) are skipped as
/// RFC 9110 §5.6.1.2 asks; a header with no elements at all yields no offers.
/// </remarks>
public sealed record ExtensionOffer(string Name, IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    /// <summary>Parses every offer in one or more header values; false (with a reason) when the syntax is invalid.</summary>
    public static bool TryParse(IEnumerable<string> headerValues, out List<ExtensionOffer> offers, out string? error)
    {
        ArgumentNullException.ThrowIfNull(headerValues);
        offers = [];
        foreach (var value in headerValues)
        {
            error = new Scanner(value).ParseList(offers);
            if (error is not null)
            {
                offers = [];
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>Formats offers as a header value: <c>name; param=value, name2</c>.</summary>
    /// <exception cref="ArgumentException">A name, parameter name or parameter value is not an HTTP token.</exception>
    public static string Format(IEnumerable<ExtensionOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(offers);
        var text = new StringBuilder();
        foreach (var offer in offers)
        {
            if (!HttpSyntax.IsToken(offer.Name))
            {
                throw new ArgumentException($"The extension name '{offer.Name}' is not a token.", nameof(offers));
            }

            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(offer.Name);
            foreach (var (name, value) in offer.Parameters)
            {
                // RFC 6455 §9.1: parameter values are tokens, so they never need quoting.
                if (!HttpSyntax.IsToken(name) || (value is not null && !HttpSyntax.IsToken(value)))
                {
                    throw new ArgumentException($"A parameter of the {offer.Name} extension is not a token or token=token.", nameof(offers));
                }

                text.Append("; ").Append(name);
                if (value is not null)
                {
                    text.Append('=').Append(value);
                }
            }
        }

        return text.ToString();
    }

    private struct Scanner(string text)
    {
        private int _position;

        private readonly bool AtEnd => _position == text.Length;

        private readonly char Current => text[_position];

        public string? ParseList(List<ExtensionOffer> offers)
        {
            while (true)
            {
                SkipOws();
                if (AtEnd)
                {
                    return null;
                }

                if (Current == ',')
                {
                    _position++;
                    continue;
                }

                if (ParseExtension(offers) is { } error)
                {
                    return error;
                }

                SkipOws();
                if (AtEnd)
                {
                    return null;
                }

                if (Current != ',')
                {
                    return $"expected ',' or ';' after the {offers[^1].Name} extension";
                }

                _position++;
            }
        }

        private string? ParseExtension(List<ExtensionOffer> offers)
        {
            var name = ReadToken();
            if (name is null)
            {
                return "expected an extension name";
            }

            var parameters = new List<KeyValuePair<string, string?>>();
            SkipOws();
            while (!AtEnd && Current == ';')
            {
                _position++;
                SkipOws();
                var parameter = ReadToken();
                if (parameter is null)
                {
                    return $"expected a parameter name after ';' in the {name} extension";
                }

                string? value = null;
                SkipOws();
                if (!AtEnd && Current == '=')
                {
                    _position++;
                    SkipOws();
                    if (!AtEnd && Current == '"')
                    {
                        value = ReadQuotedString();
                        if (value is null)
                        {
                            return $"unterminated quoted value for {parameter} in the {name} extension";
                        }

                        // RFC 6455 §9.1: "the value MUST conform to the token ABNF" once unquoted.
                        if (!HttpSyntax.IsToken(value))
                        {
                            return $"the quoted value for {parameter} in the {name} extension is not a token";
                        }
                    }
                    else if ((value = ReadToken()) is null)
                    {
                        return $"expected a value after '=' for {parameter} in the {name} extension";
                    }

                    SkipOws();
                }

                parameters.Add(new(parameter, value));
            }

            offers.Add(new ExtensionOffer(name, parameters));
            return null;
        }

        private string? ReadToken()
        {
            var start = _position;
            while (!AtEnd && HttpSyntax.IsTokenChar(Current))
            {
                _position++;
            }

            return _position == start ? null : text[start.._position];
        }

        // RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; quoted-pair = "\" char.
        private string? ReadQuotedString()
        {
            var value = new StringBuilder();
            _position++;
            while (!AtEnd)
            {
                var c = Current;
                _position++;
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c == '\\')
                {
                    if (AtEnd)
                    {
                        return null;
                    }

                    c = Current;
                    _position++;
                }

                value.Append(c);
            }

            return null;
        }

        private void SkipOws()
        {
            while (!AtEnd && HttpSyntax.IsOws(Current))
            {
                _position++;
            }
        }
    }
}
