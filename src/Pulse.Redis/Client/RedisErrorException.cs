namespace Pulse.Redis.Client;

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
