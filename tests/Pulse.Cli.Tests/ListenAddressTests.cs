namespace Pulse.Cli.Tests;

/// <summary>--listen takes HOST:PORT, [IPv6]:PORT, :PORT or PORT; anything else is a one-line usage error.</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:8765", "127.0.0.1", 8765)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData(":7000", "127.0.0.1", 7000)]
    [InlineData("7001", "127.0.0.1", 7001)]
    [InlineData("localhost:0", "localhost", 0)]
    public void Parse_AcceptedForms(string value, string host, int port) =>
        Assert.Equal(new ListenAddress(host, port), ListenAddress.Parse(value));

    [Theory]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("[::1]9000")]
    [InlineData("127.0.0.1:-1")]
    public void Parse_Invalid_NamesTheFlag(string value)
    {
        var error = Assert.Throws<UsageException>(() => ListenAddress.Parse(value));

        Assert.StartsWith($"--listen '{value}'", error.Message, StringComparison.Ordinal);
    }
}
