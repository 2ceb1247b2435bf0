namespace Pulse.IntegrationTests.Hostile;

/// <summary>
/// The in-process heap (server and test alike) before and after a hostile case, after full collections: it must
/// not have grown by more than a generous bound. Tests run in parallel in this process, so the bound is wide
/// (others' garbage comes and goes); what it catches is the server keeping what the attack sent.
/// </summary>
internal sealed class MemoryBound
{
    /// <summary>The default bound: 96 MiB, far below what the attacks here would leave if kept (hundreds of MiB to GiB).</summary>
    public const long DefaultBytes = 96L * 1024 * 1024;

    private readonly long _before = Measure();

    public static MemoryBound Start() => new();

    public long Growth => Measure() - _before;

    public void AssertWithin(long bytes = DefaultBytes)
    {
        var growth = Growth;
        Assert.True(growth <= bytes, $"the heap grew by {growth / 1024 / 1024} MiB (bound {bytes / 1024 / 1024} MiB)");
    }

    /// <summary>Bytes allocated by the whole process since <paramref name="since"/> (a value of <see cref="AllocatedNow"/>).</summary>
    public static long AllocatedSince(long since) => GC.GetTotalAllocatedBytes(precise: true) - since;

    public static long AllocatedNow() => GC.GetTotalAllocatedBytes(precise: true);

    private static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
