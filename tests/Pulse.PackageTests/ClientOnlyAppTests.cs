using System.Text.Json;

namespace Pulse.PackageTests;

/// <summary>
/// A console app a user would write, in a folder of its own outside the repository, that installs only the hub
/// client package from the local feed, for .NET 8 and .NET 10: nothing of ASP.NET Core, JWT or the server comes
/// with it, and it talks to a real <c>pulse serve</c>.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class ClientOnlyAppTests(LocalFeed feed)
{
    private const string Program = """
        using System.Threading.Channels;
        using Pulse.Hub.Client;

        await using var hub = await HubClient.ConnectAsync(new Uri(args[0]));
        var inbox = Channel.CreateUnbounded<HubMessage>();
        await using var lobby = await hub.SubscribeAsync("chat:packages", message => inbox.Writer.WriteAsync(message));
        var offset = await hub.PublishAsync("chat:packages", new Line("app", Environment.Version.ToString()));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var message = await inbox.Reader.ReadAsync(deadline.Token);
        Console.WriteLine($"received {message.GetData<Line>()!.From} at offset {offset}");

        record Line(string From, string Text);
        """;

    [Fact]
    public async Task AConsoleAppWithTheClientPackageOnlyHasNoServerInItsGraphAndTalksToPulseServe()
    {
        var app = feed.NewApp("client-only");
        await File.WriteAllTextAsync(Path.Combine(app, "ClientOnly.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PulseRealtime.Hub.Client" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program);

        DotnetCommand.Run(app, ["build", "-nologo", "-v", "quiet", "-nodeReuse:false"], TimeSpan.FromMinutes(5)).Succeeded("dotnet build of the client-only app");

        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json")));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
        var targets = assets.RootElement.GetProperty("targets").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(2, targets.Count);                                              // net8.0 and net10.0
        Assert.Contains("PulseRealtime.Hub.Client", libraries);
        // The app's own framework references and those its packages bring (a targeting pack the SDK downloads for
        // a framework it has no pack of, in "downloadDependencies", is not one).
        var frameworkReferences = assets.RootElement.GetProperty("project").GetProperty("frameworks").EnumerateObject()
            .SelectMany(f => f.Value.TryGetProperty("frameworkReferences", out var references) ? references.EnumerateObject().Select(r => r.Name) : Enumerable.Empty<string>())
            .Concat(assets.RootElement.GetProperty("targets").EnumerateObject().SelectMany(t => t.Value.EnumerateObject())
                .SelectMany(l => l.Value.TryGetProperty("frameworkReferences", out var references) ? references.EnumerateArray().Select(r => r.GetString()!) : Enumerable.Empty<string>()))
            .ToList();
        Assert.Contains("Microsoft.NETCore.App", frameworkReferences);
        Assert.DoesNotContain("Microsoft.AspNetCore.App", frameworkReferences);
        Assert.DoesNotContain(libraries, l => l.Contains("IdentityModel", StringComparison.Ordinal) || l.Contains("Jwt", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(libraries, l => l is "PulseRealtime.Hub" or "PulseRealtime.AspNetCore" or "PulseRealtime.Redis" or "PulseRealtime.Cli");

        using var serve = await PulseServe.StartAsync(feed);
        foreach (var framework in new[] { "net8.0", "net10.0" })
        {
            var dll = Path.Combine(app, "bin", "Debug", framework, "ClientOnly.dll");
            // This machine has only the .NET 10 runtime: the .NET 8 build runs on it (roll forward), as it would
            // on a machine with .NET 10 alone; where a .NET 8 runtime is installed, it takes that one.
            var run = DotnetCommand.Run(app, [dll, serve.Hub.ToString()], TimeSpan.FromMinutes(1),
                new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major" }).Succeeded($"the {framework} client-only app");

            Assert.Matches(@"^received app at offset \d+\s*$", run.Output);
        }
    }
}
