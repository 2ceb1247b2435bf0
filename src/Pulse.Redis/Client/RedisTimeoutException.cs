namespace Pulse.Redis.Client;

/// <summary>A command got no reply within <see cref="RedisOptions.CommandTimeout"/>.</summary>
public sealed class RedisTimeoutException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
