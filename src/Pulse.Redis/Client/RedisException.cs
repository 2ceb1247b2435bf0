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

/// <summary>Redis answered a command with an error reply (<c>-ERR …</c>, <c>-WRONGTYPE …</c>). The connection stays usable.</summary>
public sealed class RedisErrorException : RedisException
{
    /// <summary>Creates the exception for an error reply to <paramref name="command"/>.</summary>
    public RedisErrorException(string command, string reply)
        : base($"Redis {command}: {reply}")
    {
        Command = command;
        Reply = reply;
        var space = reply.IndexOf(' ', StringComparison.Ordinal);
        Prefix = space > 0 ? reply[..space] : reply;
    }

    /// <summary>Creates the exception.</summary>
    public RedisErrorException()
    {
        Command = Reply = Prefix = "";
    }

    /// <summary>Creates the exception.</summary>
    public RedisErrorException(string message)
        : base(message)
    {
        Command = Prefix = "";
        Reply = message;
    }

    /// <summary>Creates the exception.</summary>
    public RedisErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Command = Prefix = "";
        Reply = message;
    }

    /// <summary>The command's name.</summary>
    public string Command { get; }

    /// <summary>The error reply as sent, e.g. <c>WRONGTYPE Operation against a key holding the wrong kind of value</c>.</summary>
    public string Reply { get; }

    /// <summary>The error's first word (<c>ERR</c>, <c>WRONGTYPE</c>, <c>NOAUTH</c>, <c>NOSCRIPT</c>…).</summary>
    public string Prefix { get; }
}

/// <summary>Redis cannot be reached, or the connection broke while a command waited. Retrying later may work.</summary>
public sealed class RedisConnectionException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisConnectionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RedisConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

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
