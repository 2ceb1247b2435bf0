using System.Net;
using Pulse.Hosting;
using Pulse.Protocol;

namespace Pulse.Tests.Hosting;

/// <summary>Who a connection is from when a reverse proxy stands in front (X-Forwarded-For, read from the right).</summary>
public sealed class ClientAddressTests
{
    private static readonly IPEndPoint s_proxy = new(IPAddress.Parse("10.0.0.5"), 40000);
    private static readonly IList<IPNetwork> s_trusted = [IPNetwork.Parse("10.0.0.0/8")];

    private static HeaderFields Headers(params string[] forwardedFor)
    {
        var headers = new HeaderFields();
        foreach (var value in forwardedFor)
        {
            headers.Add("X-Forwarded-For", value);
        }

        return headers;
    }

    private static string? Resolve(EndPoint? peer, HeaderFields headers, IList<IPNetwork>? trusted = null) =>
        ClientAddress.Resolve(peer, headers, trusted ?? s_trusted)?.ToString();

    [Fact]
    public void NoTrustedProxies_TheHeaderIsIgnored() =>
        Assert.Equal("10.0.0.5:40000", Resolve(s_proxy, Headers("203.0.113.7"), []));

    [Fact]
    public void AnUntrustedPeer_CannotClaimAnotherAddress()
    {
        var stranger = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5000);
        Assert.Equal("192.0.2.1:5000", Resolve(stranger, Headers("203.0.113.7")));
    }

    [Fact]
    public void ATrustedPeer_NamesTheClient() =>
        Assert.Equal("203.0.113.7:0", Resolve(s_proxy, Headers("203.0.113.7")));

    [Fact]
    public void TheNearestUntrustedHop_IsTheClient_AnythingLeftOfItCouldBeForged() =>
        Assert.Equal("203.0.113.7:0", Resolve(s_proxy, Headers("1.2.3.4, 203.0.113.7, 10.1.1.1")));

    [Fact]
    public void SeveralHeaders_AreOneListInOrder() =>
        Assert.Equal("203.0.113.8:0", Resolve(s_proxy, Headers("203.0.113.7", "203.0.113.8, 10.2.2.2")));

    [Fact]
    public void AChainOfTrustedHopsOnly_GivesTheLeftmost() =>
        Assert.Equal("10.3.3.3:0", Resolve(s_proxy, Headers("10.3.3.3, 10.2.2.2")));

    [Fact]
    public void NoHeader_GivesThePeer() =>
        Assert.Equal("10.0.0.5:40000", Resolve(s_proxy, Headers()));

    [Theory]
    [InlineData("203.0.113.7:5123", "203.0.113.7:0")]
    [InlineData("[2001:db8::1]:5123", "[2001:db8::1]:0")]
    [InlineData("2001:db8::1", "[2001:db8::1]:0")]
    public void HopsWithPortsOrIPv6_AreRead(string hop, string expected) =>
        Assert.Equal(expected, Resolve(s_proxy, Headers(hop)));

    [Fact]
    public void Garbage_StopsAtTheLastHopThatCouldBeRead() =>
        Assert.Equal("203.0.113.9:0", Resolve(s_proxy, Headers("203.0.113.7, not-an-address, 203.0.113.9")));

    [Fact]
    public void GarbageRightNextToTheProxy_GivesTheProxy() =>
        Assert.Equal("10.0.0.5:40000", Resolve(s_proxy, Headers("unknown")));

    [Fact]
    public void AnIPv4MappedPeer_IsMatchedAgainstIPv4Networks()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("10.0.0.5").MapToIPv6(), 40000);
        Assert.Equal("203.0.113.7:0", Resolve(mapped, Headers("203.0.113.7")));
    }
}
