using System.Net;
using System.Text.Json;
using Pulse.Hub.Hosting;
using Pulse.Testing;

namespace Pulse.IntegrationTests.Browser;

/// <summary>What <c>pulse serve</c> serves for the demo pages, over real HTTP: the pages, pulse.js, demo tokens.</summary>
public sealed class DemoRoutesTests
{
    [Fact]
    public async Task Pages_AreServed()
    {
        await using var server = await PulseServerFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        string[] pages = ["/", "/chat", "/counter", "/clock", "/logs", "/status"];
        (string Path, string MediaType)[] routes = [.. pages.Select(p => (p, "text/html")), ("/demos/demo.js", "text/javascript"), ("/demos/demo.css", "text/css"), ("/demos/favicon.svg", "image/svg+xml")];
        foreach (var (path, mediaType) in routes)
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative)).DefaultTimeout();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task PulseJs_IsTheClientInTheRepository()
    {
        await using var server = await PulseServerFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        var served = await http.GetStringAsync(new Uri("/pulse.js", UriKind.Relative)).DefaultTimeout();
        var source = await File.ReadAllTextAsync(Path.Combine(Peers.Directory, "..", "..", "clients", "js", "pulse.js"));
        Assert.Equal(source, served);
    }

    [Fact]
    public async Task DemoToken_WithTheDevelopmentSecret_NamesTheUser()
    {
        await using var server = await PulseServerFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        var body = await http.GetStringAsync(new Uri("/demos/token?user=alice", UriKind.Relative)).DefaultTimeout();
        var token = JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
        var (identity, error) = await new HubTokens(Pulse.Server.ServeOptions.DevelopmentTokenSecret).ValidateAsync(token);
        Assert.Null(error);
        Assert.Equal("alice", identity!.User);

        using var bad = await http.GetAsync(new Uri("/demos/token?user=%3Cscript%3E", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task DemoToken_WithARealSecret_IsNotIssued()
    {
        await using var server = await PulseServerFixture.StartAsync(options => options.TokenSecret = new string('s', 40));
        using var http = new HttpClient { BaseAddress = server.HttpBaseUri };
        using var response = await http.GetAsync(new Uri("/demos/token?user=alice", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
