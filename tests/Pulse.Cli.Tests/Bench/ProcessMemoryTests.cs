using Pulse.Cli.Bench;

namespace Pulse.Cli.Tests.Bench;

public sealed class ProcessMemoryTests
{
    [Fact]
    public void ParseStatus_ReadsVmRss() =>
        Assert.Equal(123456, ProcessMemory.ParseStatus("Name:\tpulse\nVmPeak:\t  999999 kB\nVmRSS:\t  123456 kB\nThreads:\t9\n"));

    [Fact]
    public void ParseStatus_WithoutVmRss_IsNull() =>
        Assert.Null(ProcessMemory.ParseStatus("Name:\tzombie\nState:\tZ (zombie)\n"));

    [Fact]
    public void ResidentKiB_OfThisProcess_IsPositive() =>
        Assert.True(ProcessMemory.ResidentKiB(Environment.ProcessId) > 0);
}
