using System.Globalization;
using System.Xml.Linq;

namespace Pulse.PackageTests;

/// <summary>
/// Every shipped package, packed once per test run into a local feed in a scratch folder outside the repository,
/// at a version of this run's own (0.1.0-test.&lt;time&gt;-p&lt;pid&gt;), so that no NuGet cache can hand out
/// older bits under the same version. The scratch folder has a nuget.config (the feed first, then the
/// repository's own sources) and empty Directory.* files, so that apps made in it are what a user would make.
/// Restores share the user's global packages folder; this run's packages are deleted from it at the end.
/// </summary>
public sealed class LocalFeed : IDisposable
{
    /// <summary>The package ids, and what each must be.</summary>
    public static readonly IReadOnlyList<string> Libraries =
        ["PulseRealtime", "PulseRealtime.AspNetCore", "PulseRealtime.Hub.Protocol", "PulseRealtime.Hub", "PulseRealtime.Hub.Client", "PulseRealtime.Redis"];

    public const string Tool = "PulseRealtime.Cli";

    public static IEnumerable<string> All => [.. Libraries, Tool];

    public LocalFeed()
    {
        RepositoryRoot = FindRepositoryRoot();
        Configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        Version = string.Create(CultureInfo.InvariantCulture, $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}-p{Environment.ProcessId}");
        Root = Directory.CreateTempSubdirectory("pulse-packages-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        WriteScratchSettings();

        // The build (scripts/test.sh, or `dotnet build` before `dotnet test --no-build`) made the assemblies;
        // packing them again here would rebuild the solution under the other tests' feet.
        DotnetCommand.Run(RepositoryRoot,
            ["pack", "Pulse.slnx", "--no-build", "-c", Configuration, "-o", Feed, $"-p:Version={Version}", "-nologo", "-v", "quiet", "-nodeReuse:false"],
            TimeSpan.FromMinutes(5)).Succeeded("dotnet pack (build the solution first)");
    }

    public string RepositoryRoot { get; }

    public string Configuration { get; }

    public string Version { get; }

    /// <summary>The scratch folder, in the system's temporary folder: apps, the tool path, the feed.</summary>
    public string Root { get; }

    public string Feed { get; }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolPackage(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    /// <summary>A new, empty folder for one app, inside the scratch folder (so it finds its nuget.config).</summary>
    public string NewApp(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <summary>The built <c>pulse</c> program (src/Pulse.Cli), to run <c>pulse serve</c> for the apps to talk to.</summary>
    public string PulseCliDll
    {
        get
        {
            var dll = Path.Combine(RepositoryRoot, "src", "Pulse.Cli", "bin", Configuration, "net10.0", "Pulse.Cli.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build src/Pulse.Cli first", dll);
        }
    }

    public void Dispose()
    {
        foreach (var id in All)
        {
            var package = Path.Combine(GlobalPackagesFolder(), id.ToLowerInvariant());
            var restored = Path.Combine(package, Version.ToLowerInvariant());
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }

            if (Directory.Exists(package) && !Directory.EnumerateFileSystemEntries(package).Any())
            {
                Directory.Delete(package);
            }
        }

        Directory.Delete(Root, recursive: true);
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private void WriteScratchSettings()
    {
        // The repository's sources (an offline folder, nuget.org) after the feed: what the packages depend on
        // comes from where the repository's own restore gets it.
        var repositorySources = XDocument.Load(Path.Combine(RepositoryRoot, "NuGet.Config")).Descendants("packageSources").Elements("add");
        var config = new XDocument(new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "pulse-local-feed"), new XAttribute("value", Feed)),
                repositorySources)));
        config.Save(Path.Combine(Root, "nuget.config"));

        // Stop MSBuild's upward search for these files here: a stray one above the temporary folder must not leak in.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pulse.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Pulse.slnx not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class LocalFeedCollection : ICollectionFixture<LocalFeed>
{
    public const string Name = "local feed";
}
