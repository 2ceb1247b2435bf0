using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pulse;

/// <summary>Settings shared by both ends of a connection: keepalive, limits, timeouts, logging.</summary>
/// <remarks>Validated once when a server starts or a client connects; an invalid value fails there, naming the option.</remarks>
public abstract class ConnectionOptions
{
    private ILoggerFactory? _loggerFactory;
    private CachedLogger? _connectionLogger;

    // Keepalive

    /// <summary>How often to send a ping frame; null disables pings. The default is 20 seconds.</summary>
    public TimeSpan? PingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait for the pong before closing with 1011; null waits forever. The default is 20 seconds.</summary>
    public TimeSpan? PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    // Limits

    /// <summary>The largest incoming message, in bytes; a larger one closes the connection with 1009. The default is 1 MiB.</summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many incoming messages may wait to be read by the application; when full, the connection stops
    /// reading so TCP pushes back on the peer. The default is 16.
    /// </summary>
    public int MaxQueue { get; set; } = 16;

    /// <summary>
    /// How many outgoing bytes may be buffered; past this, <c>SendAsync</c> waits and <see cref="Broadcast"/>
    /// applies its slow-consumer policy. The default is 64 KiB.
    /// </summary>
    public int WriteLimit { get; set; } = 64 * 1024;

    // Compression

    /// <summary>permessage-deflate (RFC 7692): on by default; see <see cref="CompressionOptions"/> for each setting and its cost.</summary>
    public CompressionOptions Compression { get; set; } = new();

    // Timeouts

    /// <summary>How long the closing handshake may take before the TCP connection is dropped. The default is 10 seconds.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Logging

    /// <summary>Where connection events are logged; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory
    {
        get => _loggerFactory;
        set
        {
            _loggerFactory = value;
            _connectionLogger = null;
        }
    }

    /// <summary>
    /// The connections' logger, created once per factory: asking the factory for it on every handshake cost a
    /// lookup under its lock and a logger object kept by each connection.
    /// </summary>
    internal ILogger ConnectionLogger
    {
        get
        {
            var factory = _loggerFactory;
            if (_connectionLogger is { } cached && ReferenceEquals(cached.Factory, factory))
            {
                return cached.Logger;
            }

            var logger = factory?.CreateLogger<WebSocketConnection>() ?? (ILogger)NullLogger<WebSocketConnection>.Instance;
            _connectionLogger = new CachedLogger(factory, logger);
            return logger;
        }
    }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public virtual void Validate()
    {
        CheckPositive(PingInterval, nameof(PingInterval));
        CheckPositive(PingTimeout, nameof(PingTimeout));
        CheckPositive(CloseTimeout, nameof(CloseTimeout));
        if (MaxMessageSize <= 0)
        {
            throw Invalid(nameof(MaxMessageSize), MaxMessageSize, "must be positive");
        }

        if (MaxQueue <= 0)
        {
            throw Invalid(nameof(MaxQueue), MaxQueue, "must be positive");
        }

        if (WriteLimit <= 0)
        {
            throw Invalid(nameof(WriteLimit), WriteLimit, "must be positive");
        }

        if (Compression is null)
        {
            throw Invalid(nameof(Compression), "null", "must be set (set Compression.Enabled = false to turn it off)");
        }

        try
        {
            Compression.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{GetType().Name}.{e.Message}", $"{nameof(Compression)}.{e.ParamName}", e);
        }
    }

    private protected void CheckPositive(TimeSpan? value, string name)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            throw Invalid(name, v, "must be positive");
        }
    }

    private protected ArgumentException Invalid(string name, object? value, string problem) =>
        new($"{GetType().Name}.{name} = {value}: {problem}.", name);

    // Paired with the factory it came from, so a logger is never used for another factory; swapped whole, so
    // threads racing here see one pair or the other.
    private sealed record CachedLogger(ILoggerFactory? Factory, ILogger Logger);
}
