namespace Pulse.Hub.Protocol;

/// <summary>Bounds both pulse.v1 codecs apply when they read a client envelope; beyond them the envelope gets a 400 error.</summary>
public static class EnvelopeLimits
{
    /// <summary>The longest request <c>id</c>, in characters (UTF-16 code units). An id has at least one.</summary>
    public const int MaxIdLength = 128;

    /// <summary>The longest <c>since.epoch</c>, in characters.</summary>
    public const int MaxEpochLength = 128;

    /// <summary>How deeply a publication's <c>data</c> may nest arrays and objects.</summary>
    public const int MaxDataDepth = 64;
}
