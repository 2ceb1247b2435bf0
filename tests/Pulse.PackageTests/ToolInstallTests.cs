namespace Pulse.PackageTests;

/// <summary><c>dotnet tool install</c> of <c>pulse</c> from the local feed, into a tool path of its own.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed class ToolInstallTests(LocalFeed feed)
{
    [Fact]
    public void ThePulseToolInstallsFromTheFeedAndRuns()
    {
        var tools = Path.Combine(feed.Root, "tools");

        DotnetCommand.Run(feed.Root, ["tool", "install", LocalFeed.Tool, "--version", feed.Version, "--tool-path", tools], TimeSpan.FromMinutes(3))
            .Succeeded("dotnet tool install");
        var help = DotnetCommand.RunProgram(Path.Combine(tools, "pulse"), feed.Root, ["--help"], TimeSpan.FromMinutes(1)).Succeeded("pulse --help");

        Assert.Contains("serve", help.Output, StringComparison.Ordinal);
        Assert.Contains("connect", help.Output, StringComparison.Ordinal);
    }
}
