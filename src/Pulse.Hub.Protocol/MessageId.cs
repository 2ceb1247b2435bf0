using System.Globalization;

namespace Pulse.Hub.Protocol;

/// <summary>
/// The id of a <c>message</c> envelope: <c>{epoch}:{offset}</c>, the same for every recipient and every resend,
/// so clients drop duplicates by it and acknowledge it with <c>ack</c>.
/// </summary>
internal static class MessageId
{
    public static string Of(string epoch, long offset) => string.Create(CultureInfo.InvariantCulture, $"{epoch}:{offset}");
}
