namespace Pulse.Protocol;

/// <summary>One extension in a <c>Sec-WebSocket-Extensions</c> header (RFC 6455 §9.1), such as <c>permessage-deflate; client_max_window_bits</c>.</summary>
/// <param name="Name">The extension token.</param>
/// <param name="Parameters">Its parameters in order; a parameter without a value has a null value.</param>
public sealed record ExtensionOffer(string Name, IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    /// <summary>Parses every offer in one or more header values; false (with a reason) when the syntax is invalid.</summary>
    public static bool TryParse(IEnumerable<string> headerValues, out List<ExtensionOffer> offers, out string? error) =>
        throw new NotImplementedException();

    /// <summary>Formats offers as a header value: <c>name; param=value, name2</c>.</summary>
    public static string Format(IEnumerable<ExtensionOffer> offers) => throw new NotImplementedException();
}
