namespace Pulse;

/// <summary>The server refused the WebSocket upgrade with an HTTP status other than 101.</summary>
public sealed class InvalidStatusException : InvalidHandshakeException
{
    /// <summary>Creates the exception from the status and the first line of the response body.</summary>
    public InvalidStatusException(int statusCode, string bodyFirstLine)
        : base(bodyFirstLine.Length == 0
            ? $"server rejected WebSocket connection: HTTP {statusCode}"
            : $"server rejected WebSocket connection: HTTP {statusCode}: {bodyFirstLine}")
    {
        StatusCode = statusCode;
        BodyFirstLine = bodyFirstLine;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The first line of the response body, often the reason; empty when there was none.</summary>
    public string BodyFirstLine { get; }
}
