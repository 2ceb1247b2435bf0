namespace Pulse;

/// <summary>
/// permessage-deflate (RFC 7692): whether to negotiate it and with what limits. Each setting trades bandwidth
/// for memory or CPU; docs/topics/compression.md has the measured figures behind the defaults.
/// </summary>
/// <remarks>
/// <para>
/// On a server, the settings bound what is accepted: a client's offer is answered with the smaller of what it
/// asks and what is set here. On a client, they are what is offered, and a server's answer outside them fails
/// the handshake (RFC 7692 §7.1).
/// </para>
/// <para>
/// Memory, from zlib's own formulas, held only while a connection has a compressor or decompressor: compressing
/// costs 2^(window bits + 2) + 2^(memory level + 9) bytes plus about 6 KiB; decompressing costs 2^(window bits)
/// bytes plus about 7 KiB. Both are allocated on the first compressed message. With no context takeover they
/// are freed after every message, so an idle connection holds none; with context takeover they stay for the
/// connection's life, which is what lets each message refer back to the earlier ones.
/// </para>
/// </remarks>
public sealed class CompressionOptions
{
    /// <summary>The smallest window, in bits, that RFC 7692 §7.1.2 allows to negotiate.</summary>
    public const int MinWindowBits = 8;

    /// <summary>The largest window, in bits: 32 KiB, DEFLATE's own limit.</summary>
    public const int MaxWindowBits = 15;

    /// <summary>Whether to negotiate permessage-deflate at all. The default is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The largest LZ77 window of the server's compressor, in bits (8–15). A server answers with at most this;
    /// a client asks for it when it is below 15. The default is 12 (4 KiB).
    /// </summary>
    public int ServerMaxWindowBits { get; set; } = 12;

    /// <summary>
    /// The largest LZ77 window of the client's compressor, in bits (8–15), which is also the window the server
    /// must keep to decompress. A server asks for it when the offer has <c>client_max_window_bits</c>; an offer
    /// without it (Firefox's) lets the client use 15 bits, which a server accepts when
    /// <c>client_no_context_takeover</c> is agreed (its decompressor then holds nothing between messages) and
    /// declines otherwise, unless this is 15. A client offers it. The default is 12 (4 KiB).
    /// </summary>
    public int ClientMaxWindowBits { get; set; } = 12;

    /// <summary>
    /// zlib's memory level (1–9) for this end's compressor: the size of its hash table and pending buffer,
    /// 2^(level + 9) bytes in all. Lower saves memory and costs ratio and speed. Not negotiated. The default is 5.
    /// </summary>
    public int MemoryLevel { get; set; } = 5;

    /// <summary>
    /// Whether the server must compress each message on its own (server_no_context_takeover): no compressor state
    /// between messages, a lower ratio on small similar messages, and a broadcast compressed once for every
    /// recipient. A server sets it in every answer; a client requests it. The default is true.
    /// </summary>
    public bool ServerNoContextTakeover { get; set; } = true;

    /// <summary>
    /// Whether the client must compress each message on its own (client_no_context_takeover), which lets the
    /// server free its decompressor between messages, so an idle connection holds no zlib state. A server sets it
    /// in every answer; a client offers it. The default is true.
    /// </summary>
    public bool ClientNoContextTakeover { get; set; } = true;

    /// <summary>
    /// Messages shorter than this many bytes are sent uncompressed (RFC 7692 §6: compression is per message):
    /// compressed on its own, a 64-byte JSON message shrinks by 5% and a 128-byte one by 18%, for the same CPU.
    /// The default is 128.
    /// </summary>
    public int MinimumSize { get; set; } = 128;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        CheckWindowBits(ServerMaxWindowBits, nameof(ServerMaxWindowBits));
        CheckWindowBits(ClientMaxWindowBits, nameof(ClientMaxWindowBits));
        if (MemoryLevel is < 1 or > 9)
        {
            throw Invalid(nameof(MemoryLevel), MemoryLevel, "must be between 1 and 9");
        }

        if (MinimumSize < 0)
        {
            throw Invalid(nameof(MinimumSize), MinimumSize, "must not be negative");
        }
    }

    private static void CheckWindowBits(int value, string name)
    {
        if (value is < MinWindowBits or > MaxWindowBits)
        {
            throw Invalid(name, value, "must be between 8 and 15");
        }
    }

    private static ArgumentException Invalid(string name, object value, string problem) =>
        new($"Compression.{name} = {value}: {problem}.", name);
}
