namespace Pulse.Redis.Client;

/// <summary>Something went wrong talking to Redis; the subclasses say what.</summary>
public class RedisException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
