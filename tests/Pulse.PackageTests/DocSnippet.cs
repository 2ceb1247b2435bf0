using System.Text.RegularExpressions;

namespace Pulse.PackageTests;

/// <summary>
/// One ```csharp block of README.md, docs/**/*.md or a package's README.md. A block is a whole top-level
/// program (a Program.cs) unless the line before it says otherwise: <c>&lt;!-- fragment --&gt;</c> (part of a
/// program the page builds up: not compiled) or <c>&lt;!-- run --&gt;</c> (compiled, and run: it must exit 0).
/// </summary>
internal sealed partial record DocSnippet(string File, int Line, string Code, bool Fragment, bool Run)
{
    public const string FragmentMarker = "<!-- fragment -->";
    public const string RunMarker = "<!-- run -->";

    /// <summary>A project name that says where the block is: docs-howto-hub-client-L53.</summary>
    public string Name => NotAName().Replace(Path.ChangeExtension(File, null), "-").Trim('-') + "-L" + Line;

    /// <summary>An ASP.NET Core app (the Web SDK and its implicit usings), or a console app.</summary>
    public bool IsWebApp => Code.Contains("WebApplication.", StringComparison.Ordinal);

    public static IEnumerable<DocSnippet> In(string repositoryRoot)
    {
        var files = new[] { "README.md" }
            .Concat(Directory.EnumerateFiles(Path.Combine(repositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repositoryRoot, f)))
            .Concat(Directory.EnumerateFiles(Path.Combine(repositoryRoot, "src"), "README.md", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repositoryRoot, f)))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lines = System.IO.File.ReadAllLines(Path.Combine(repositoryRoot, file));
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim() != "```csharp")
                {
                    continue;
                }

                var marker = i > 0 ? lines[i - 1].Trim() : "";
                var end = Array.FindIndex(lines, i + 1, line => line.Trim() == "```");
                if (end < 0)
                {
                    throw new InvalidOperationException($"{file}:{i + 1}: the csharp block is never closed");
                }

                yield return new DocSnippet(file.Replace('\\', '/'), i + 1, string.Join('\n', lines[(i + 1)..end]) + "\n",
                    Fragment: marker == FragmentMarker, Run: marker == RunMarker);
                i = end;
            }
        }
    }

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NotAName();
}
