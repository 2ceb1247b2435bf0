using Pulse.Internal;

namespace Pulse.Tests.Internal;

/// <summary>The client's proxy: the configured one, else HTTPS_PROXY for wss and HTTP_PROXY for ws, minus NO_PROXY.</summary>
public sealed class ProxySettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_ConfiguredProxyWins()
    {
        var proxy = ProxySettings.Resolve(new Uri("wss://a.example/"), new Uri("http://p:1"), true, Env(("HTTPS_PROXY", "http://env:2")));

        Assert.Equal(new Uri("http://p:1"), proxy);
    }

    [Theory]
    [InlineData("wss://a.example/", "http://secure:3128/")]
    [InlineData("ws://a.example/", "http://plain:3128/")]
    public void Resolve_SchemePicksTheVariable(string target, string expected)
    {
        var proxy = ProxySettings.Resolve(new Uri(target), null, true, Env(("HTTPS_PROXY", "http://secure:3128"), ("HTTP_PROXY", "plain:3128")));

        Assert.Equal(new Uri(expected), proxy);
    }

    [Theory]
    [InlineData("a.example", "a.example", true)]
    [InlineData("api.a.example", ".a.example", true)]
    [InlineData("api.a.example", "a.example", true)]
    [InlineData("nota.example", "a.example", false)]
    [InlineData("b.example", "a.example, b.example", true)]
    [InlineData("anything", "*", true)]
    [InlineData("a.example", "", false)]
    public void IsBypassed_ReadsNoProxyLikeCurl(string host, string noProxy, bool bypassed) =>
        Assert.Equal(bypassed, ProxySettings.IsBypassed(host, noProxy));

    [Fact]
    public void Resolve_EnvironmentIgnoredWhenSwitchedOff() =>
        Assert.Null(ProxySettings.Resolve(new Uri("ws://a.example/"), null, false, Env(("HTTP_PROXY", "http://p:1"))));
}
