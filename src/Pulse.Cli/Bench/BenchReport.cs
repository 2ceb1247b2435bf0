using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pulse.Cli.Bench;

/// <summary>
/// The result of a run, as labelled rows: printed as an aligned table for people, or as one flat JSON object
/// (<c>--json</c>) for scripts such as <c>bench/compare.sh</c>. A value that is not known is left out of the
/// table and is <c>null</c> in JSON, so the keys are the same in every run of a scenario.
/// </summary>
internal sealed class BenchReport
{
    private readonly List<Row> _rows = [];

    public BenchReport(string scenario) => Add("scenario", "scenario", scenario);

    public BenchReport Add(string label, string key, string value) => AddRow(label, key, value, w => w.WriteString(key, value));

    public BenchReport Add(string label, string key, bool value) =>
        AddRow(label, key, value ? "yes" : "no", w => w.WriteBoolean(key, value));

    public BenchReport Add(string label, string key, long value, string unit = "") =>
        AddRow(label, key, Format(value.ToString("N0", CultureInfo.InvariantCulture), unit), w => w.WriteNumber(key, value));

    /// <summary>A number, rounded to <paramref name="decimals"/> in both the table and JSON; null when unknown.</summary>
    public BenchReport Add(string label, string key, double? value, int decimals, string unit = "")
    {
        if (value is not { } number || !double.IsFinite(number))
        {
            return AddRow(label, key, null, w => w.WriteNull(key));
        }

        var rounded = Math.Round(number, decimals);
        return AddRow(label, key, Format(rounded.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), unit), w => w.WriteNumber(key, rounded));
    }

    public async Task WriteTableAsync(TextWriter output)
    {
        var width = _rows.Where(r => r.Text is not null).Max(r => r.Label.Length);
        var table = new StringBuilder();
        foreach (var row in _rows.Where(r => r.Text is not null))
        {
            table.Append(row.Label.PadRight(width + 2)).Append(row.Text).Append('\n');
        }

        await output.WriteAsync(table.ToString()).ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async Task WriteJsonAsync(TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var row in _rows)
            {
                row.Json(writer);
            }

            writer.WriteEndObject();
        }

        await output.WriteLineAsync(Encoding.UTF8.GetString(stream.ToArray())).ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static string Format(string number, string unit) => unit.Length == 0 ? number : $"{number} {unit}";

    private BenchReport AddRow(string label, string key, string? text, Action<Utf8JsonWriter> json)
    {
        _rows.Add(new Row(label, key, text, json));
        return this;
    }

    private sealed record Row(string Label, string Key, string? Text, Action<Utf8JsonWriter> Json);
}
