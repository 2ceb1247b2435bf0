using System.Text;

namespace Pulse.PackageTests;

/// <summary>
/// Every C# block of README.md, docs/ and the package readmes compiles as written, as its own app against the
/// packed packages, and the blocks marked to run, run. All of them build in one <c>dotnet build</c> of one
/// solution: one restore for all.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class DocSnippetTests(LocalFeed feed)
{
    [Fact]
    public void EverySnippetCompilesAsWrittenAndTheRunnableOnesRun()
    {
        var snippets = DocSnippet.In(feed.RepositoryRoot).ToList();
        var programs = snippets.Where(s => !s.Fragment).ToList();
        // Fragments are the exception: most blocks must be whole programs.
        Assert.True(programs.Count > snippets.Count / 2, $"{programs.Count} of {snippets.Count} C# blocks are whole programs");
        Assert.Contains(programs, s => s.Run);

        var root = feed.NewApp("snippets");
        var solution = new StringBuilder("<Solution>\n");
        foreach (var snippet in programs)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, snippet.Name)).FullName;
            File.WriteAllText(Path.Combine(folder, "Program.cs"), $"// {snippet.File}, line {snippet.Line}\n{snippet.Code}");
            File.WriteAllText(Path.Combine(folder, snippet.Name + ".csproj"), Project(snippet));
            solution.Append($"  <Project Path=\"{snippet.Name}/{snippet.Name}.csproj\" />\n");
        }

        File.WriteAllText(Path.Combine(root, "snippets.slnx"), solution.Append("</Solution>\n").ToString());

        var build = DotnetCommand.Run(root, ["build", "snippets.slnx", "-nologo", "-v", "quiet", "-clp:ErrorsOnly", "-nodeReuse:false"], TimeSpan.FromMinutes(8));
        Assert.True(build.ExitCode == 0, "C# blocks in the docs that do not compile (folder = file and line of the block; mark a part of a program <!-- fragment -->):\n" + build.Output);

        foreach (var snippet in programs.Where(s => s.Run))
        {
            var dll = Path.Combine(root, snippet.Name, "bin", "Debug", "net10.0", snippet.Name + ".dll");
            var run = DotnetCommand.Run(root, [dll], TimeSpan.FromMinutes(1));

            Assert.True(run.ExitCode == 0, $"{snippet.File}:{snippet.Line} exited with {run.ExitCode}:\n{run.Output}");
        }
    }

    /// <summary>The app a reader would make for the block: every library package, warnings as in a new project.</summary>
    private string Project(DocSnippet snippet)
    {
        var packages = string.Concat(LocalFeed.Libraries.Select(id => $"    <PackageReference Include=\"{id}\" Version=\"{feed.Version}\" />\n"));
        return $"""
            <Project Sdk="{(snippet.IsWebApp ? "Microsoft.NET.Sdk.Web" : "Microsoft.NET.Sdk")}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
            {packages}  </ItemGroup>
            </Project>
            """;
    }
}
