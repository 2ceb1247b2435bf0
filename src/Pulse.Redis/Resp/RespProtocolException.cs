namespace Pulse.Redis.Resp;

/// <summary>The bytes received are not valid RESP: the connection cannot be trusted any more and is closed.</summary>
public sealed class RespProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RespProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RespProtocolException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RespProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
