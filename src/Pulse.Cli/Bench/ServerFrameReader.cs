using System.Buffers.Binary;
using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// Reads the frames a server sends with as little work as a load generator can afford: headers are parsed,
/// payloads skipped, and only the first bytes of each payload kept (a latency probe's timestamps, the body
/// of a ping or a close). Bytes may arrive split anywhere. No UTF-8 check, no reassembly, no allocation.
/// </summary>
/// <remarks>Not thread-safe: one reader per connection, called from its receive loop.</remarks>
internal sealed class ServerFrameReader
{
    private const int MaxHeaderLength = 10;
    private const int MaxControlPayload = 125;

    private readonly byte[] _header = new byte[MaxHeaderLength];
    private readonly byte[] _prefix;
    private readonly int _dataPrefixLength;
    private readonly byte _reservedBits;
    private int _headerRead;
    private int _headerLength = 2;
    private bool _inPayload;
    private long _payloadLeft;
    private int _prefixRead;
    private int _prefixWanted;

    /// <param name="dataPrefixLength">How many bytes of each data frame's payload to keep; control frames keep all of theirs.</param>
    /// <param name="compressed">Whether permessage-deflate was negotiated, which lets the server set RSV1 (RFC 7692 §6); compressed payloads are skipped like any other.</param>
    public ServerFrameReader(int dataPrefixLength = 0, bool compressed = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataPrefixLength);
        _dataPrefixLength = dataPrefixLength;
        _reservedBits = compressed ? (byte)0x30 : (byte)0x70;
        _prefix = new byte[Math.Max(dataPrefixLength, MaxControlPayload)];
    }

    /// <summary>The opcode of the frame <see cref="TryReadFrame"/> last completed.</summary>
    public Opcode Opcode { get; private set; }

    /// <summary>Whether that frame ends its message.</summary>
    public bool Fin { get; private set; }

    /// <summary>That frame's payload length.</summary>
    public long PayloadLength { get; private set; }

    /// <summary>The start of that frame's payload: up to the prefix length for data, all of it for control frames.</summary>
    public ReadOnlySpan<byte> Prefix => _prefix.AsSpan(0, _prefixRead);

    /// <summary>Whether that frame completed a data message (a final text, binary or continuation frame).</summary>
    public bool IsEndOfMessage => Fin && (int)Opcode < 0x8;

    /// <summary>
    /// Consumes <paramref name="input"/> up to the end of the next frame. Returns true when a frame completed (its
    /// properties are then set), false when every byte was consumed without completing one.
    /// </summary>
    /// <exception cref="InvalidDataException">The server broke RFC 6455 in a way this reader relies on.</exception>
    public bool TryReadFrame(ref ReadOnlySpan<byte> input)
    {
        if (!_inPayload && !TryReadHeader(ref input))
        {
            return false;
        }

        if (_prefixRead < _prefixWanted)
        {
            var take = (int)Math.Min(_prefixWanted - _prefixRead, input.Length);
            input[..take].CopyTo(_prefix.AsSpan(_prefixRead));
            _prefixRead += take;
            _payloadLeft -= take;
            input = input[take..];
        }

        var skip = (int)Math.Min(_payloadLeft, input.Length);
        _payloadLeft -= skip;
        input = input[skip..];
        if (_payloadLeft > 0 || _prefixRead < _prefixWanted)
        {
            return false;
        }

        _inPayload = false;
        _headerRead = 0;
        _headerLength = 2;
        return true;
    }

    private bool TryReadHeader(ref ReadOnlySpan<byte> input)
    {
        while (_headerRead < _headerLength)
        {
            if (input.IsEmpty)
            {
                return false;
            }

            var take = Math.Min(_headerLength - _headerRead, input.Length);
            input[..take].CopyTo(_header.AsSpan(_headerRead));
            _headerRead += take;
            input = input[take..];
            if (_headerRead == 2)
            {
                _headerLength = CheckFirstTwoBytes(_header[0], _header[1]);
            }
        }

        var opcode = (Opcode)(_header[0] & 0x0F);
        var length = (_header[1] & 0x7F) switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
            127 => BinaryPrimitives.ReadInt64BigEndian(_header.AsSpan(2)),
            var small => small,
        };

        // RFC 6455 §5.2: the most significant bit of a 64-bit length must be 0.
        if (length < 0)
        {
            throw new InvalidDataException("the server sent a frame length with its most significant bit set (RFC 6455 §5.2)");
        }

        Opcode = opcode;
        Fin = (_header[0] & 0x80) != 0;
        PayloadLength = length;
        _payloadLeft = length;
        _prefixRead = 0;
        _prefixWanted = (int)Math.Min(length, (int)opcode >= 0x8 ? MaxControlPayload : _dataPrefixLength);
        _inPayload = true;
        return true;
    }

    // Returns the whole header's length, once the first two bytes say what it is.
    private int CheckFirstTwoBytes(byte first, byte second)
    {
        // RFC 6455 §5.1: "A server MUST NOT mask any frames that it sends to the client."
        if ((second & 0x80) != 0)
        {
            throw new InvalidDataException("the server sent a masked frame (RFC 6455 §5.1)");
        }

        if ((first & _reservedBits) != 0)
        {
            throw new InvalidDataException("the server set reserved bits that no negotiated extension defines (RFC 6455 §5.2)");
        }

        var opcode = first & 0x0F;
        if (opcode is (>= 0x3 and <= 0x7) or >= 0xB)
        {
            throw new InvalidDataException($"the server sent reserved opcode 0x{opcode:X} (RFC 6455 §5.2)");
        }

        // RFC 6455 §5.5: control frames are final and carry at most 125 bytes.
        if (opcode >= 0x8 && ((first & 0x80) == 0 || (second & 0x7F) > MaxControlPayload))
        {
            throw new InvalidDataException("the server sent a fragmented or oversized control frame (RFC 6455 §5.5)");
        }

        return (second & 0x7F) switch
        {
            126 => 4,
            127 => MaxHeaderLength,
            _ => 2,
        };
    }
}
