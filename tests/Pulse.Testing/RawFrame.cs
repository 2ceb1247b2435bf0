using System.Buffers.Binary;
using System.Text;

namespace Pulse.Testing;

/// <summary>A frame as a raw-socket peer saw it on the wire.</summary>
public sealed record RawFrame(bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload)
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    public bool IsClose => Opcode == Close;

    /// <summary>The close code of a close frame; 1005 when its body is empty.</summary>
    public int CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;

    public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";

    public string PayloadText => Encoding.UTF8.GetString(Payload);

    public override string ToString() => $"opcode={Opcode} fin={Fin} rsv={Rsv} len={Payload.Length}" + (IsClose ? $" close={CloseCode} '{CloseReason}'" : "");
}
