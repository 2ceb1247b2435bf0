namespace Pulse.Testing;

/// <summary>A whole data message as a raw peer read it, with the frames that carried it.</summary>
public sealed record RawMessage(int Opcode, byte[] Payload, IReadOnlyList<RawFrame> Frames)
{
    public override string ToString() => $"opcode={Opcode} len={Payload.Length} in {Frames.Count} frame(s)";
}
