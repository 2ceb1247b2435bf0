using System.Text;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Conformance;

/// <summary>Client frames for the conformance cases, built by the test kit's own framing code (<see cref="RawWebSocket.BuildFrame"/>), not Pulse's.</summary>
internal static class Frames
{
    public static byte[] Text(string text, bool fin = true) => RawWebSocket.BuildFrame(RawFrame.Text, Encoding.UTF8.GetBytes(text), fin);

    public static byte[] Continuation(string text, bool fin) => RawWebSocket.BuildFrame(RawFrame.Continuation, Encoding.UTF8.GetBytes(text), fin);

    public static byte[] Ping(ReadOnlySpan<byte> payload) => RawWebSocket.BuildFrame(RawFrame.Ping, payload);

    public static byte[] Ping(string payload) => Ping(Encoding.UTF8.GetBytes(payload));

    public static byte[] Pong(string payload) => RawWebSocket.BuildFrame(RawFrame.Pong, Encoding.UTF8.GetBytes(payload));

    public static byte[] Close(int code, string reason = "") => RawWebSocket.BuildFrame(RawFrame.Close, RawWebSocket.ClosePayload(code, reason));

    /// <summary>
    /// A message as frames of at most <paramref name="fragmentSize"/> payload bytes: the first carries
    /// <paramref name="opcode"/>, the others are continuations, the last has FIN. An empty payload is one frame.
    /// </summary>
    public static List<byte[]> Fragments(int opcode, ReadOnlySpan<byte> payload, int fragmentSize)
    {
        var frames = new List<byte[]>();
        var offset = 0;
        do
        {
            var length = Math.Min(fragmentSize, payload.Length - offset);
            var fin = offset + length == payload.Length;
            frames.Add(RawWebSocket.BuildFrame(frames.Count == 0 ? opcode : RawFrame.Continuation, payload.Slice(offset, length), fin));
            offset += length;
        }
        while (offset < payload.Length);
        return frames;
    }

    /// <summary>Frames joined into one buffer, to be written at once.</summary>
    public static byte[] Concat(params IEnumerable<byte[]> frames)
    {
        var all = frames.ToList();
        var joined = new byte[all.Sum(f => f.Length)];
        var offset = 0;
        foreach (var frame in all)
        {
            frame.CopyTo(joined, offset);
            offset += frame.Length;
        }

        return joined;
    }
}
