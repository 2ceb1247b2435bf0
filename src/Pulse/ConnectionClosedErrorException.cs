namespace Pulse;

/// <summary>The connection closed with an error: an error close code, or no close frame at all.</summary>
public sealed class ConnectionClosedErrorException : ConnectionClosedException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionClosedErrorException(CloseFrame? received, CloseFrame? sent, bool? receivedThenSent, Exception? innerException = null)
        : base(received, sent, receivedThenSent, innerException)
    {
    }
}
