using Pulse.Cli.Bench;

namespace Pulse.Cli.Tests.Bench;

/// <summary>Server CPU comes from utime + stime in /proc/PID/stat (proc(5)), in ticks of 1/100 s.</summary>
public sealed class ProcessCpuTests
{
    [Fact]
    public void ParseStat_SumsUserAndSystemTicks()
    {
        const string stat = "4242 (dotnet) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 30 0 100 1000 2000";

        Assert.Equal(TimeSpan.FromSeconds(18.01), ProcessCpu.ParseStat(stat));
    }

    [Fact]
    public void ParseStat_CommandWithSpacesAndParentheses()
    {
        const string stat = "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 300 100 0 0 20 0 1 0 5 6 7";

        Assert.Equal(TimeSpan.FromSeconds(4), ProcessCpu.ParseStat(stat));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 (x) S 1 2")]
    [InlineData("12 (x) S 1 2 3 4 5 6 7 8 9 10 eleven 12")]
    public void ParseStat_NotAStatLine_IsNull(string stat) => Assert.Null(ProcessCpu.ParseStat(stat));

    [Fact]
    public void Of_ThisProcess_IsPositive()
    {
        Assert.True(ProcessCpu.Of(Environment.ProcessId) > TimeSpan.Zero);
    }
}
