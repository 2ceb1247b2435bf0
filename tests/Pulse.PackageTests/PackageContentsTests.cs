using System.IO.Compression;
using System.Reflection.Metadata;
using System.Xml.Linq;

namespace Pulse.PackageTests;

/// <summary>What is inside each package: the licence, a readme, the metadata, and symbols that carry their sources.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed class PackageContentsTests(LocalFeed feed)
{
    // The kind of custom debug information that holds a source file inside a portable PDB.
    private static readonly Guid s_embeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    public static TheoryData<string> Packages() => [.. LocalFeed.All];

    [Fact]
    public void OnlyTheShippedProjectsArePacked()
    {
        var packed = Directory.GetFiles(feed.Feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(LocalFeed.All.Select(id => $"{id}.{feed.Version}.nupkg").Order(StringComparer.Ordinal), packed);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void EachPackageHasTheLicenceAReadmeAndItsMetadata(string id)
    {
        using var package = ZipFile.OpenRead(feed.Package(id));
        var nuspec = Nuspec(package);
        string? Metadata(string name) => nuspec.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("MIT", nuspec.Elements().Single(e => e.Name.LocalName == "license").Value);
        Assert.Equal("README.md", Metadata("readme"));
        Assert.StartsWith("MIT License", Text(package, "LICENSE"), StringComparison.Ordinal);
        Assert.Contains("Copyright (c) Pulse developers", Text(package, "LICENSE"), StringComparison.Ordinal);
        var readme = Text(package, "README.md");
        Assert.StartsWith($"# {id}", readme, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Metadata("description")));
        Assert.Contains("websocket", Metadata("tags") ?? "", StringComparison.Ordinal);
        Assert.Equal("Pulse developers", Metadata("authors"));
        // No public home exists yet: no made-up project or repository address.
        Assert.Null(Metadata("projectUrl"));
        Assert.DoesNotContain(nuspec.Elements(), e => e.Name.LocalName == "repository" && e.Attribute("url") is not null);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void EachPackageHasSymbolsWithEverySourceFileEmbedded(string id)
    {
        using var symbols = ZipFile.OpenRead(feed.SymbolPackage(id));
        var pdbs = symbols.Entries.Where(e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(pdbs);
        foreach (var pdb in pdbs)
        {
            using var stream = new MemoryStream();
            using (var entry = pdb.Open())
            {
                entry.CopyTo(stream);
            }

            stream.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
            var reader = provider.GetMetadataReader();
            var embedded = reader.CustomDebugInformation
                .Select(reader.GetCustomDebugInformation)
                .Where(info => reader.GetGuid(info.Kind) == s_embeddedSource && info.Parent.Kind == HandleKind.Document)
                .Select(info => (DocumentHandle)info.Parent)
                .ToHashSet();
            var sources = reader.Documents
                .Where(handle => reader.GetString(reader.GetDocument(handle).Name).EndsWith(".cs", StringComparison.Ordinal))
                .ToList();

            Assert.NotEmpty(sources);
            Assert.All(sources, source => Assert.Contains(source, embedded));
        }
    }

    [Fact]
    public void SiblingPackagesDependOnEachOtherAtExactlyTheSameVersion()
    {
        foreach (var id in LocalFeed.Libraries)
        {
            using var package = ZipFile.OpenRead(feed.Package(id));
            var siblings = Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency" && ((string?)e.Attribute("id"))!.StartsWith("PulseRealtime", StringComparison.Ordinal));

            Assert.All(siblings, dependency => Assert.Equal($"[{feed.Version}]", (string?)dependency.Attribute("version")));
        }
    }

    [Fact]
    public void TheHubClientPackageDependsOnTheCoreAndTheProtocolOnly()
    {
        using var package = ZipFile.OpenRead(feed.Package("PulseRealtime.Hub.Client"));
        var nuspec = Nuspec(package);
        var siblings = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!).Where(id => id.StartsWith("PulseRealtime", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
        var groups = nuspec.Descendants().Where(e => e.Name.LocalName == "group" && e.Parent!.Name.LocalName == "dependencies")
            .Select(e => (string)e.Attribute("targetFramework")!).Order(StringComparer.Ordinal);

        Assert.Equal(["PulseRealtime", "PulseRealtime.Hub.Protocol"], siblings);
        Assert.Equal(["net10.0", "net8.0"], groups);
        Assert.DoesNotContain(nuspec.Descendants(), e => e.Name.LocalName == "frameworkReference");
    }

    private static XElement Nuspec(ZipArchive package) =>
        XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    private static string Text(ZipArchive package, string name)
    {
        var entry = package.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not in the package");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
