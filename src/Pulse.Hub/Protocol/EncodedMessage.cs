namespace Pulse.Hub.Protocol;

/// <summary>
/// A <c>message</c> envelope encoded once and shared by every recipient, kept in
/// <see cref="Publication.EncodedCache"/> under its codec's slot.
/// </summary>
internal sealed class EncodedMessage
{
    public const int JsonSlot = 0;
    public const int ProtobufSlot = 1;

    private EncodedMessage(string channel, string epoch, byte[] bytes)
    {
        Channel = channel;
        Epoch = epoch;
        Bytes = bytes;
    }

    public string Channel { get; }

    public string Epoch { get; }

    public byte[] Bytes { get; }

    /// <summary>
    /// The cached encoding for <paramref name="channel"/> and <paramref name="epoch"/>, or a new one from
    /// <paramref name="encode"/>, which then replaces the cache. Races only encode twice.
    /// </summary>
    public static byte[] GetOrEncode(Publication publication, int slot, string channel, string epoch, Func<string, string, Publication, byte[]> encode)
    {
        var cached = Volatile.Read(ref publication.EncodedCache[slot]) as EncodedMessage;
        if (cached is not null && cached.Channel == channel && cached.Epoch == epoch)
        {
            return cached.Bytes;
        }

        var bytes = encode(channel, epoch, publication);
        Volatile.Write(ref publication.EncodedCache[slot], new EncodedMessage(channel, epoch, bytes));
        return bytes;
    }

    /// <summary>The <c>message</c> id: <c>{epoch}:{offset}</c>.</summary>
    public static string IdOf(string epoch, long offset) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{epoch}:{offset}");
}
