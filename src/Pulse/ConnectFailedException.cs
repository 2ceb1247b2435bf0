namespace Pulse;

/// <summary>
/// A client could not reach the server: the name did not resolve, the connection was refused or timed out,
/// the proxy refused, or TLS failed. The message says which; the inner exception has the details.
/// </summary>
public sealed class ConnectFailedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ConnectFailedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
