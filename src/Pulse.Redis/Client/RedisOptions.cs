using System.Net.Security;

namespace Pulse.Redis.Client;

/// <summary>How to reach one Redis server.</summary>
public sealed class RedisOptions
{
    /// <summary>The host name or address. The default is 127.0.0.1.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port. The default is 6379.</summary>
    public int Port { get; set; } = 6379;

    /// <summary>The ACL user (Redis 6+), sent with <see cref="Password"/>; null authenticates as the default user.</summary>
    public string? User { get; set; }

    /// <summary>The password; null sends no AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>The database number selected after connecting. The default is 0.</summary>
    public int Database { get; set; }

    /// <summary>Whether to speak TLS to the server.</summary>
    public bool Tls { get; set; }

    /// <summary>TLS settings (target host, certificate validation); null uses <see cref="Host"/> and the system's trust.</summary>
    public SslClientAuthenticationOptions? TlsOptions { get; set; }

    /// <summary>The protocol version: 2 (RESP2, every Redis) or 3 (RESP3 via HELLO, Redis 6+). The default is 2.</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>How long a connection attempt (TCP, TLS, AUTH) may take. The default is 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a command may wait for its reply. The default is 5 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first delay before reconnecting; it doubles up to <see cref="MaxReconnectDelay"/>. The default is 100 ms.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between reconnection attempts. The default is 2 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The name set with CLIENT SETNAME, shown by CLIENT LIST; null sets none.</summary>
    public string? ClientName { get; set; }

    /// <summary><c>host:port</c>, for messages.</summary>
    public string Address => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is invalid; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Redis host must not be empty.");
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"Redis port {Port} is out of range (1-65535).");
        }

        if (Protocol is not (2 or 3))
        {
            throw new ArgumentException($"Redis protocol {Protocol} is not supported: use 2 or 3.");
        }

        if (User is not null && Password is null)
        {
            throw new ArgumentException("a Redis user needs a password.");
        }

        foreach (var (name, value) in new[] { (nameof(ConnectTimeout), ConnectTimeout), (nameof(CommandTimeout), CommandTimeout), (nameof(ReconnectDelay), ReconnectDelay), (nameof(MaxReconnectDelay), MaxReconnectDelay) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"Redis {name} must be positive.");
            }
        }
    }

    /// <summary>A copy, so one server's settings can serve several connections.</summary>
    public RedisOptions Clone() => (RedisOptions)MemberwiseClone();
}
