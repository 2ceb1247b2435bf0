using Pulse.Protocol;

namespace Pulse.Tests.Handshake;

/// <summary>RFC 6455 §10.2: "Servers that are not intended to process input from any web page but only for certain sites SHOULD verify the |Origin| field is an origin they expect."</summary>
public class OriginPolicyTests
{
    [Theory]
    [InlineData("https://example.com", "https://example.com", true)]
    [InlineData("https://Example.COM", "HTTPS://example.com", true)]
    [InlineData("https://example.com", "http://example.com", false)]
    [InlineData("https://example.com", "https://example.com:8443", false)]
    [InlineData("https://example.com", "https://evil.example", false)]
    [InlineData("https://example.com", "https://example.com.evil.example", false)]
    [InlineData("https://example.com", "https://chat.example.com", false)]
    [InlineData("http://localhost:3000", "http://localhost:3000", true)]
    [InlineData("http://localhost:3000", "http://localhost:3001", false)]
    [InlineData("http://localhost:3000", "http://localhost", false)]
    [InlineData("https://example.com:443", "https://example.com", true)]
    [InlineData("https://example.com", "https://example.com:443", true)]
    [InlineData("http://example.com:80", "http://example.com", true)]
    [InlineData("https://example.com:80", "https://example.com", false)]
    [InlineData("http://[::1]:8080", "http://[::1]:8080", true)]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080", true)]
    [InlineData("https://example.com", "https://example.com/", false)]
    [InlineData("https://example.com", "example.com", false)]
    [InlineData("https://example.com", "", false)]
    public void IsAllowed_ExactEntry(string entry, string origin, bool allowed)
    {
        Assert.Equal(allowed, new OriginPolicy([entry]).IsAllowed(origin));
    }

    [Theory]
    [InlineData("https://*.example.com", "https://chat.example.com", true)]
    [InlineData("https://*.example.com", "https://CHAT.Example.com", true)]
    [InlineData("https://*.example.com", "https://a.b.example.com", true)]
    [InlineData("https://*.example.com", "https://example.com", false)]
    [InlineData("https://*.example.com", "https://evilexample.com", false)]
    [InlineData("https://*.example.com", "https://example.com.evil.example", false)]
    [InlineData("https://*.example.com", "http://chat.example.com", false)]
    [InlineData("https://*.example.com", "https://chat.example.com:8443", false)]
    [InlineData("https://*.example.com:8443", "https://chat.example.com:8443", true)]
    [InlineData("https://*.example.com:8443", "https://chat.example.com", false)]
    public void IsAllowed_WildcardEntry_MatchesSubdomainsOnly(string entry, string origin, bool allowed)
    {
        Assert.Equal(allowed, new OriginPolicy([entry]).IsAllowed(origin));
    }

    [Fact]
    public void IsAllowed_BareHostAndWildcardListed_BothAllowed()
    {
        var policy = new OriginPolicy(["https://example.com", "https://*.example.com"]);

        Assert.True(policy.IsAllowed("https://example.com"));
        Assert.True(policy.IsAllowed("https://www.example.com"));
        Assert.False(policy.IsAllowed("https://example.org"));
    }

    [Fact]
    public void IsAllowed_MissingOrigin_Allowed()
    {
        Assert.True(new OriginPolicy(["https://example.com"]).IsAllowed(null));
        Assert.True(new OriginPolicy([]).IsAllowed(null));
    }

    [Fact]
    public void IsAllowed_NullOriginOnlyWhenListed()
    {
        Assert.False(new OriginPolicy(["https://example.com"]).IsAllowed("null"));
        Assert.True(new OriginPolicy(["null"]).IsAllowed("null"));
        Assert.False(new OriginPolicy(["null"]).IsAllowed("https://example.com"));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("https://example.com/")]
    [InlineData("https://example.com/path")]
    [InlineData("https://")]
    [InlineData("https://*")]
    [InlineData("https://*.")]
    [InlineData("https://a.*.com")]
    [InlineData("https://*example.com")]
    [InlineData("https://example..com")]
    [InlineData("https://example.com.")]
    [InlineData("https://example.com:")]
    [InlineData("https://example.com:99999")]
    [InlineData("https://example.com:+80")]
    [InlineData("https://exa mple.com")]
    [InlineData("https://user@example.com")]
    [InlineData("https://example.com?x")]
    [InlineData("*://example.com")]
    [InlineData("1http://example.com")]
    [InlineData("https://[::1")]
    [InlineData("https://[]")]
    [InlineData("https://*.[::1]")]
    [InlineData("")]
    public void Constructor_InvalidEntry_ThrowsNamingIt(string entry)
    {
        var exception = Assert.Throws<ArgumentException>(() => new OriginPolicy(["https://ok.example", entry]));

        Assert.Contains($"'{entry}'", exception.Message);
    }
}
