using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Pulse.Protocol;

namespace Pulse.Cli.Bench;

/// <summary>
/// What the fan-out scenarios say on the wire: <c>broadcast</c> sends bare binary messages to a relay such as
/// <c>/broadcast</c>; <c>hub</c> subscribes and publishes in one channel through <c>pulse.v1.json</c>. Each
/// message carries the time it was sent, so every subscriber can time its delivery.
/// </summary>
internal abstract class FanOutProtocol
{
    /// <summary>The scenario's name, in the report.</summary>
    public abstract string Scenario { get; }

    /// <summary>The subprotocols to offer in the handshake; null for none.</summary>
    public abstract IReadOnlyList<string>? Subprotocols { get; }

    /// <summary>How many payload bytes of each received message the scenario needs to see.</summary>
    public abstract int PrefixLength { get; }

    /// <summary>The smallest payload that can carry the send time.</summary>
    public abstract int MinSize { get; }

    /// <summary>The request a subscriber sends before it counts as subscribed; null when the server confirms nothing.</summary>
    public abstract byte[]? SubscribeFrame { get; }

    /// <summary>
    /// A message a publisher repeats until every subscriber has received one (each counts as subscribed when it
    /// does), for servers that confirm nothing; null when <see cref="SubscribeFrame"/> is enough.
    /// </summary>
    public virtual byte[]? ProbeFrame => null;

    /// <summary>A publisher's frame for message <paramref name="sequence"/>, stamped with <paramref name="sentAt"/>.</summary>
    /// <remarks>The returned array may be reused by the next call: send it before building another.</remarks>
    public abstract byte[] BuildMessage(long sequence, long sentAt);

    /// <summary>Whether a received message is a delivery, and if so its send time.</summary>
    public abstract bool TryReadDelivery(ReadOnlySpan<byte> prefix, out long sentAt);

    /// <summary>Whether a received message answers <see cref="SubscribeFrame"/>.</summary>
    public abstract bool IsSubscribeReply(ReadOnlySpan<byte> prefix);

    /// <summary>Whether a received message reports a refused request.</summary>
    public abstract bool IsError(ReadOnlySpan<byte> prefix);

    /// <summary>
    /// Binary messages to a relay: the first 8 payload bytes are the send time (little-endian), or zero in a probe.
    /// A relay joins a connection to its room some time after the handshake, unannounced, so the run starts only
    /// once a probe has reached every subscriber: a message sent earlier could be missed and hold the window shut.
    /// </summary>
    public sealed class Relay(int size) : FanOutProtocol
    {
        private const long ProbeStamp = 0;

        private readonly byte[] _frame = ClientFrames.Binary(Math.Max(size, sizeof(long)));

        public override string Scenario => "broadcast";

        public override IReadOnlyList<string>? Subprotocols => null;

        public override int PrefixLength => sizeof(long);

        public override int MinSize => sizeof(long);

        public override byte[]? SubscribeFrame => null;

        public override byte[]? ProbeFrame { get; } = Stamped(ClientFrames.Binary(Math.Max(size, sizeof(long))), ProbeStamp);

        public override byte[] BuildMessage(long sequence, long sentAt) => Stamped(_frame, sentAt);

        public override bool TryReadDelivery(ReadOnlySpan<byte> prefix, out long sentAt) =>
            TryReadStamp(prefix, out sentAt) && sentAt != ProbeStamp;

        public override bool IsSubscribeReply(ReadOnlySpan<byte> prefix) =>
            TryReadStamp(prefix, out var stamp) && stamp == ProbeStamp;

        private static byte[] Stamped(byte[] frame, long stamp)
        {
            ClientFrames.WriteInt64(frame, 0, stamp);
            return frame;
        }

        private static bool TryReadStamp(ReadOnlySpan<byte> prefix, out long stamp)
        {
            stamp = prefix.Length >= sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(prefix) : ProbeStamp;
            return prefix.Length >= sizeof(long);
        }

        public override bool IsError(ReadOnlySpan<byte> prefix) => false;
    }

    /// <summary>
    /// The hub: <c>subscribe</c> to one channel, <c>publish</c> into it. The published <c>data</c> is a JSON string of
    /// the message size whose first 19 characters are the send time in decimal; the hub relays it byte for byte.
    /// </summary>
    public sealed class Hub(string channel, int size) : FanOutProtocol
    {
        private const int StampDigits = 19;
        private const string SubscribeId = "bench-sub";

        public override string Scenario => "hub";

        public override IReadOnlyList<string>? Subprotocols { get; } = ["pulse.v1.json"];

        // The message envelope's fields before data: type, id, channel, offset, epoch, user, well within this.
        public override int PrefixLength => 384;

        public override int MinSize => StampDigits;

        public override byte[]? SubscribeFrame { get; } = ClientFrames.Build(
            Opcode.Text, Encoding.UTF8.GetBytes($$$"""{"type":"subscribe","id":"{{{SubscribeId}}}","payload":{"channel":"{{{channel}}}"}}"""));

        public override byte[] BuildMessage(long sequence, long sentAt)
        {
            var data = sentAt.ToString("D" + StampDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).PadRight(Math.Max(size, StampDigits), 'x');
            var envelope = $$$"""{"type":"publish","id":"p{{{sequence.ToString(CultureInfo.InvariantCulture)}}}","payload":{"channel":"{{{channel}}}","data":"{{{data}}}"}}""";
            return ClientFrames.Build(Opcode.Text, Encoding.UTF8.GetBytes(envelope));
        }

        public override bool TryReadDelivery(ReadOnlySpan<byte> prefix, out long sentAt)
        {
            sentAt = 0;
            if (!prefix.StartsWith("{\"type\":\"message\""u8))
            {
                return false;
            }

            var at = prefix.IndexOf("\"data\":\""u8);
            var digits = at < 0 ? [] : prefix[(at + 8)..];
            return digits.Length >= StampDigits && long.TryParse(digits[..StampDigits], NumberStyles.None, CultureInfo.InvariantCulture, out sentAt);
        }

        public override bool IsSubscribeReply(ReadOnlySpan<byte> prefix) =>
            prefix.StartsWith("{\"type\":\"reply\""u8) && prefix.IndexOf("\"id\":\"bench-sub\""u8) >= 0;

        public override bool IsError(ReadOnlySpan<byte> prefix) => prefix.StartsWith("{\"type\":\"error\""u8);
    }
}
