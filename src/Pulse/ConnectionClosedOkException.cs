namespace Pulse;

/// <summary>The connection closed normally: close frames with 1000, 1001 or no status. <c>await foreach</c> ends quietly on this.</summary>
public sealed class ConnectionClosedOkException : ConnectionClosedException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionClosedOkException(CloseFrame? received, CloseFrame? sent, bool? receivedThenSent, Exception? innerException = null)
        : base(received, sent, receivedThenSent, innerException)
    {
    }
}
