namespace Pulse.Tests.Protocol;

internal static class TestBytes
{
    /// <summary>Bytes that differ from their neighbours and do not repeat with a period of 4, so a masking slip shows.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 7) + (i >> 8));
        }

        return bytes;
    }
}
