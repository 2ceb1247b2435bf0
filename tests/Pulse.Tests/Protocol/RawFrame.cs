using System.Buffers.Binary;
using Pulse.Protocol;

namespace Pulse.Tests.Protocol;

/// <summary>Builds frames byte by byte, legal or not, independently of <see cref="FrameWriter"/>.</summary>
internal static class RawFrame
{
    /// <summary>The mask key of RFC 6455 §5.7's examples.</summary>
    public static readonly byte[] ExampleMaskKey = [0x37, 0xfa, 0x21, 0x3d];

    /// <summary>A frame as <paramref name="receiver"/> expects it: masked when it goes to a server.</summary>
    public static byte[] To(Role receiver, Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0) =>
        Build((int)opcode, payload, fin, receiver == Role.Server ? ExampleMaskKey : null, rsv);

    /// <summary>A frame as <paramref name="receiver"/> expects it, with any opcode, reserved ones included.</summary>
    public static byte[] To(Role receiver, int opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0) =>
        Build(opcode, payload, fin, receiver == Role.Server ? ExampleMaskKey : null, rsv);

    /// <summary>A close frame body: the code big-endian, then the reason's bytes.</summary>
    public static byte[] CloseBody(int code, ReadOnlySpan<byte> reason = default)
    {
        var body = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)code);
        reason.CopyTo(body.AsSpan(2));
        return body;
    }

    /// <summary>
    /// A frame with the minimal length encoding; masked with <paramref name="maskKey"/> unless it is null;
    /// <paramref name="rsv"/> holds RSV1-3 as the bits 0x40, 0x20, 0x10 of the first byte.
    /// </summary>
    public static byte[] Build(int opcode, ReadOnlySpan<byte> payload, bool fin = true, byte[]? maskKey = null, int rsv = 0)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | rsv | opcode) };
        var maskBit = maskKey is null ? 0 : 0x80;
        if (payload.Length <= 125)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= 0xFFFF)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                header.Add((byte)((long)payload.Length >> shift));
            }
        }

        if (maskKey is not null)
        {
            header.AddRange(maskKey);
        }

        var frame = new byte[header.Count + payload.Length];
        header.CopyTo(frame);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header.Count + i] = maskKey is null ? payload[i] : (byte)(payload[i] ^ maskKey[i % 4]);
        }

        return frame;
    }

    /// <summary>A header that declares <paramref name="length"/> in the 64-bit form, with no payload after it.</summary>
    public static byte[] Header64(Opcode opcode, ulong length, byte[]? maskKey = null)
    {
        var header = new byte[10 + (maskKey?.Length ?? 0)];
        header[0] = (byte)(0x80 | (int)opcode);
        header[1] = (byte)((maskKey is null ? 0 : 0x80) | 127);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), length);
        maskKey?.CopyTo(header, 10);
        return header;
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static Role Opposite(Role role) => role == Role.Server ? Role.Client : Role.Server;
}
