using System.Net;
using Pulse.Cli.Bench;

namespace Pulse.Cli.Tests.Bench;

/// <summary>--sources: loopback IPv4 addresses, taken round-robin by the connections.</summary>
public sealed class SourceAddressesTests
{
    [Fact]
    public void Default_IsLoopbackOnly()
    {
        Assert.Equal([IPAddress.Loopback], SourceAddresses.Default.Addresses);
    }

    [Fact]
    public void Parse_List_RoundRobin()
    {
        var sources = SourceAddresses.Parse("127.0.0.1, 127.0.0.2,127.0.0.3");

        Assert.Equal(["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1", "127.0.0.2"], Enumerable.Range(0, 5).Select(i => sources.For(i).ToString()));
        Assert.Equal("127.0.0.1,127.0.0.2,127.0.0.3", sources.ToString());
    }

    [Fact]
    public void Parse_Duplicates_CountOnce()
    {
        Assert.Equal(2, SourceAddresses.Parse("127.0.0.2,127.0.0.2,127.1.2.3").Addresses.Count);
    }

    [Theory]
    [InlineData("", "expected a comma-separated list")]
    [InlineData("10.0.0.1", "not a loopback address")]
    [InlineData("::1", "not an IPv4 address")]
    [InlineData("127.1", "not an IPv4 address")]
    [InlineData("localhost", "not an IPv4 address")]
    public void Parse_Invalid_NamesTheFlag(string value, string reason)
    {
        var error = Assert.Throws<UsageException>(() => SourceAddresses.Parse(value));

        Assert.StartsWith("--sources", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
