using System.Text;

namespace Pulse.Protocol;

/// <summary>The HTTP response to an opening handshake: 101 to accept, or any other status to refuse with a body.</summary>
public sealed class HandshakeResponse
{
    /// <summary>Creates a response.</summary>
    public HandshakeResponse(int statusCode, string reasonPhrase, HeaderFields headers, ReadOnlyMemory<byte> body = default)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
        Body = body;
    }

    /// <summary>The status code.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase, such as <c>Switching Protocols</c>.</summary>
    public string ReasonPhrase { get; }

    /// <summary>The header fields. Writers add <c>Content-Length</c> for the body.</summary>
    public HeaderFields Headers { get; }

    /// <summary>The body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>A plain-text response, such as <c>HandshakeResponse.Text(200, "OK\n")</c> for a health check.</summary>
    public static HandshakeResponse Text(int statusCode, string body)
    {
        var headers = new HeaderFields();
        headers.Add("Content-Type", "text/plain; charset=utf-8");
        return new HandshakeResponse(statusCode, ReasonPhrases.For(statusCode), headers, Encoding.UTF8.GetBytes(body));
    }
}
