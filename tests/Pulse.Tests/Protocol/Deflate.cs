using System.Buffers;
using System.IO.Compression;
using System.Text;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>Helpers for permessage-deflate tests: payloads, an independent DEFLATE (System.IO.Compression), pairs of protocols.</summary>
internal static class Deflate
{
    /// <summary>A JSON chat message, the kind of payload compression is for.</summary>
    public static byte[] JsonChat(int length)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < length; i++)
        {
            text.Append("{\"type\":\"message\",\"channel\":\"chat:lobby\",\"offset\":").Append(i)
                .Append(",\"data\":{\"user\":\"user").Append(i % 17).Append("\",\"text\":\"hello number ").Append(i).Append(" from the lobby\"}}");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }

    /// <summary>Bytes that do not compress, from a fixed seed.</summary>
    public static byte[] Random(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text that compresses well: UTF-8 with 1- to 4-byte characters.</summary>
    public static byte[] Text(int length)
    {
        var unit = Encoding.UTF8.GetBytes("a\u00e9\u20ac\U0001F600 hello ");
        var bytes = new byte[length];
        for (var i = 0; i + unit.Length <= length; i += unit.Length)
        {
            unit.CopyTo(bytes, i);
        }

        for (var i = length / unit.Length * unit.Length; i < length; i++)
        {
            bytes[i] = (byte)'a';
        }

        return bytes;
    }

    /// <summary>DEFLATE by .NET's own compressor (window 15), flushed and with the 4-byte tail removed, as RFC 7692 §7.2.1 sends it.</summary>
    public static byte[] CompressIndependently(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);

            // DeflateStream.Flush is a Z_SYNC_FLUSH: it ends with an empty stored block, 00 00 FF FF.
            deflate.Flush();
            var flushed = output.ToArray();
            Assert.True(flushed.AsSpan().EndsWith(PerMessageDeflate.Tail), "a sync flush ends with 00 00 FF FF");
            return flushed[..^4];
        }
    }

    /// <summary>Inflates a message's payload with .NET's own decompressor, after appending the tail (RFC 7692 §7.2.2).</summary>
    public static byte[] InflateIndependently(ReadOnlySpan<byte> compressed)
    {
        using var input = new MemoryStream([.. compressed, .. PerMessageDeflate.Tail]);
        using var inflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflate.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>The frames that <paramref name="sender"/> writes for one message.</summary>
    public static byte[] Write(WebSocketProtocol sender, MessageType type, ReadOnlySpan<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>();
        sender.WriteMessage(output, type, payload);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A frame's payload, unmasked: the bytes after its header.</summary>
    public static byte[] PayloadOf(byte[] frame)
    {
        var length = frame[1] & 0x7F;
        var offset = 2;
        if (length == 126)
        {
            length = (frame[2] << 8) | frame[3];
            offset = 4;
        }
        else if (length == 127)
        {
            length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(2));
            offset = 10;
        }

        var payload = frame.AsSpan(offset + ((frame[1] & 0x80) != 0 ? 4 : 0), length).ToArray();
        if ((frame[1] & 0x80) != 0)
        {
            var key = frame.AsSpan(offset, 4);
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= key[i % 4];
            }
        }

        return payload;
    }

    /// <summary>A protocol and the harness of its peer, both with <paramref name="parameters"/>.</summary>
    public static (WebSocketProtocol Sender, ProtocolHarness Receiver) Pair(Role senderRole, PerMessageDeflateParameters parameters, int maxMessageSize = 1024 * 1024, CompressionOptions? options = null) =>
        (new WebSocketProtocol(senderRole, maxMessageSize, parameters, options), new ProtocolHarness(RawFrame.Opposite(senderRole), maxMessageSize, compression: parameters, compressionOptions: options));
}
