using System.Text.RegularExpressions;
using Pulse.Testing;

namespace Pulse.Tests;

/// <summary>
/// Every <c>[LoggerMessage]</c> in src/ has an event id of its own, inside its assembly's range, listed in
/// docs/reference/logging.md under its name: operators filter and alert on these ids.
/// </summary>
public sealed partial class LogEventIdTests
{
    private static readonly string s_repository = Path.GetFullPath(Path.Combine(Peers.Directory, "..", ".."));

    // The ranges docs/reference/logging.md gives each assembly.
    private static readonly Dictionary<string, (int First, int Last)> s_ranges = new()
    {
        ["Pulse"] = (1, 99),
        ["Pulse.Server"] = (100, 199),
        ["Pulse.Hub"] = (200, 299),
        ["Pulse.Hub.Client"] = (300, 399),
        ["Pulse.Redis"] = (400, 499),
        ["Pulse.AspNetCore"] = (500, 599),
    };

    [Fact]
    public void EveryEventId_IsUnique()
    {
        var messages = LogMessages();

        var shared = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Name} ({m.File})"))}");

        Assert.NotEmpty(messages);
        Assert.Empty(shared);
    }

    [Fact]
    public void EveryEventId_IsInItsAssemblysRange()
    {
        var outside = LogMessages()
            .Where(m => !s_ranges.TryGetValue(m.Assembly, out var range) || m.Id < range.First || m.Id > range.Last)
            .Select(m => $"{m.Id} {m.Name} in {m.Assembly}");

        Assert.Empty(outside);
    }

    [Fact]
    public void EveryEventId_IsDocumentedUnderItsName_AndTheDocListsNoOther()
    {
        var documented = File.ReadLines(Path.Combine(s_repository, "docs", "reference", "logging.md"))
            .Select(line => DocumentedRow().Match(line))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups["id"].Value} {m.Groups["name"].Value}")
            .ToHashSet();
        var inCode = LogMessages().Select(m => $"{m.Id} {m.Name}").ToHashSet();

        Assert.Empty(inCode.Except(documented));
        Assert.Empty(documented.Except(inCode));
    }

    private static List<LogMessage> LogMessages()
    {
        var source = Path.Combine(s_repository, "src");
        return [.. Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => LoggerMessage().Matches(File.ReadAllText(file)).Select(m => new LogMessage(
                int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["name"].Value,
                Path.GetRelativePath(source, file).Split(Path.DirectorySeparatorChar)[0],
                Path.GetRelativePath(s_repository, file))))];
    }

    private sealed record LogMessage(int Id, string Name, string Assembly, string File);

    [GeneratedRegex("""\[LoggerMessage\(\s*(?:EventId\s*=\s*)?(?<id>\d+)\s*,[^\]]*?EventName\s*=\s*"(?<name>\w+)"\s*\)\]""")]
    private static partial Regex LoggerMessage();

    [GeneratedRegex(@"^\|\s*(?<id>\d+)\s*\|\s*(?<name>\w+)\s*\|")]
    private static partial Regex DocumentedRow();
}
