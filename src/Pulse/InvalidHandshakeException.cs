namespace Pulse;

/// <summary>The opening handshake failed: the server's answer was not a valid WebSocket upgrade.</summary>
public class InvalidHandshakeException : IOException
{
    /// <summary>Creates the exception with a sentence saying what was wrong.</summary>
    public InvalidHandshakeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
