using Pulse.Hub.Hosting;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Hub;

/// <summary>Issue 5 §3: tokens in connect, the query or a Bearer header; anonymous access as a switch; private channels need a claim.</summary>
[Trait("Category", "Hub")]
public sealed class HubAuthenticationTests
{
    [Fact]
    public async Task ConnectEnvelopeWithToken_RepliesWithTheUser()
    {
        await using var server = await HubServer.StartAsync(o => o.AllowAnonymous = false);
        await using var client = await server.ConnectAsync();

        var refused = await client.RequestAsync("subscribe", new { channel = "news" });
        var reply = await client.RequestAsync("connect", new { token = server.Tokens.Create("carol") });
        var subscribed = await client.RequestAsync("subscribe", new { channel = "news" });

        Assert.Equal(401, refused.GetProperty("payload").GetProperty("code").GetInt32());
        Assert.Equal("carol", reply.GetProperty("payload").GetProperty("user").GetString());
        Assert.Equal("reply", subscribed.GetProperty("type").GetString());
    }

    [Fact]
    public async Task BearerHeader_Authenticates()
    {
        await using var server = await HubServer.StartAsync(o => o.AllowAnonymous = false);
        var options = new ClientOptions { Headers = [new("Authorization", $"Bearer {server.Tokens.Create("dave")}")] };
        await using var client = await server.ConnectAsync(options: options);

        var presence = await client.RequestAsync("subscribe", new { channel = "room" });
        var who = await client.RequestAsync("presence", new { channel = "room" });

        Assert.Equal("reply", presence.GetProperty("type").GetString());
        Assert.Equal("dave", who.GetProperty("payload").GetProperty("clients")[0].GetProperty("user").GetString());
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJtYWxsb3J5IiwiZXhwIjo0MTAyNDQ0ODAwfQ.")]
    public async Task InvalidOrUnsignedTokenInQuery_Refused401BeforeTheUpgrade(string token)
    {
        await using var server = await HubServer.StartAsync();

        var refused = await Assert.ThrowsAsync<InvalidStatusException>(() => WebSocketClient.ConnectAsync(server.Uri($"?token={token}")).DefaultTimeout());

        Assert.Equal(401, refused.StatusCode);
    }

    [Fact]
    public async Task TamperedOrExpiredToken_Refused()
    {
        await using var server = await HubServer.StartAsync(o => o.AllowAnonymous = false);
        var valid = server.Tokens.Create("erin");
        var tampered = valid[..^3] + (valid[^3] == 'A' ? "B" : "A") + valid[^2..];
        var otherSecret = new HubTokens("a-different-secret-that-is-long-enough!!").Create("erin");
        await using var client = await server.ConnectAsync();

        var badSignature = await client.RequestAsync("connect", new { token = tampered });
        var wrongKey = await client.RequestAsync("connect", new { token = otherSecret });

        Assert.Equal(401, badSignature.GetProperty("payload").GetProperty("code").GetInt32());
        Assert.Equal(401, wrongKey.GetProperty("payload").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task PrivateChannel_NeedsAClaimThatAllowsIt()
    {
        await using var server = await HubServer.StartAsync(o => o.Namespaces["private"] = new NamespaceOptions { Private = true });
        await using var anonymous = await server.ConnectAsync();
        await using var outsider = await server.ConnectAsync($"?token={server.Tokens.Create("frank")}");
        await using var member = await server.ConnectAsync($"?token={server.Tokens.Create("grace", ["private:*"])}");

        var anonymousTry = await anonymous.RequestAsync("subscribe", new { channel = "private:board" });
        var outsiderTry = await outsider.RequestAsync("subscribe", new { channel = "private:board" });
        var memberTry = await member.RequestAsync("subscribe", new { channel = "private:board" });

        Assert.Equal(403, anonymousTry.GetProperty("payload").GetProperty("code").GetInt32());
        Assert.Equal(403, outsiderTry.GetProperty("payload").GetProperty("code").GetInt32());
        Assert.Equal("reply", memberTry.GetProperty("type").GetString());
    }
}
