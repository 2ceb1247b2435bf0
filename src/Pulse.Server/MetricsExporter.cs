using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Pulse.Server;

/// <summary>
/// Listens to the <c>Pulse</c> meter and writes what it measured in the Prometheus text exposition format:
/// counters as <c>_total</c>, up-down counters as gauges, histograms as <c>_bucket</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal sealed class MetricsExporter : IDisposable
{
    private static readonly double[] s_defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();

    public MetricsExporter(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                _series.TryAdd(instrument, new Series(instrument));
                listener.EnableMeasurementEvents(instrument, _series[instrument]);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>The <c>Content-Type</c> of <see cref="Write"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Every instrument's current values, in the text exposition format.</summary>
    public string Write()
    {
        var text = new StringBuilder();
        foreach (var series in _series.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
        {
            series.Write(text);
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>One instrument: a value (or histogram) per distinct set of tags.</summary>
    private sealed class Series(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, Cell> _cells = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<(string Key, object? Value), Cell> _cellsByTag = new();

        // The tags the library passes are the same string instances every time: the few seen so far are matched
        // by reference, so a measurement costs no hashing. Copied on write; other tags fall back to the dictionary.
        private volatile TaggedCell[] _cellsByTagInstance = [];
        private readonly double[] _buckets = BucketsOf(instrument);
        private readonly string _name = PrometheusName(instrument);
        private readonly bool _isHistogram = instrument is Histogram<double> or Histogram<long> or Histogram<int>;
        private Cell? _untagged;

        public Instrument Instrument { get; } = instrument;

        private bool IsHistogram => _isHistogram;

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            // Measurements come once per message (per recipient, for a broadcast) and nearly all carry one tag of
            // a handful of values: their cell is found by that tag, without building its label text each time.
            Cell? cell;
            if (tags.Length == 1)
            {
                cell = CellByTagInstance(tags[0]) ?? CellByTag(tags);
            }
            else
            {
                cell = tags.Length == 0 ? _untagged ??= CellFor("") : CellFor(Labels(tags));
            }

            cell.Add(value, _buckets, IsHistogram);
        }

        private Cell? CellByTagInstance(KeyValuePair<string, object?> tag)
        {
            foreach (var known in _cellsByTagInstance)
            {
                if (ReferenceEquals(known.Key, tag.Key) && ReferenceEquals(known.Value, tag.Value))
                {
                    return known.Cell;
                }
            }

            return null;
        }

        private Cell CellByTag(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = (tags[0].Key, tags[0].Value);
            if (!_cellsByTag.TryGetValue(key, out var cell))
            {
                cell = CellFor(Labels(tags));
                _cellsByTag.TryAdd(key, cell);
            }

            // Remember a few instances only: a value boxed afresh each time would never match again.
            var known = _cellsByTagInstance;
            if (known.Length < MaxTagInstances)
            {
                _cellsByTagInstance = [.. known, new TaggedCell(key.Key, key.Value, cell)];
            }

            return cell;
        }

        private Cell CellFor(string labels) => _cells.GetOrAdd(labels, static (_, buckets) => new Cell(buckets.Length), _buckets);

        public void Write(StringBuilder text)
        {
            var type = IsHistogram ? "histogram" : Instrument is Counter<long> or Counter<int> or Counter<double> ? "counter" : "gauge";
            text.Append("# HELP ").Append(_name).Append(' ').Append(EscapeHelp(Instrument.Description ?? Instrument.Name)).Append('\n');
            text.Append("# TYPE ").Append(_name).Append(' ').Append(type).Append('\n');
            var cells = _cells.ToArray();
            if (cells.Length == 0)
            {
                cells = [new("", new Cell(_buckets.Length))];
            }

            foreach (var (labels, cell) in cells.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                if (!IsHistogram)
                {
                    Sample(text, _name, labels, null, cell.Sum);
                    continue;
                }

                var (counts, sum, count) = cell.Snapshot();
                long cumulative = 0;
                for (var i = 0; i < _buckets.Length; i++)
                {
                    cumulative += counts[i];
                    Sample(text, _name + "_bucket", labels, Number(_buckets[i]), cumulative);
                }

                Sample(text, _name + "_bucket", labels, "+Inf", count);
                Sample(text, _name + "_sum", labels, null, sum);
                Sample(text, _name + "_count", labels, null, count);
            }
        }

        private static void Sample(StringBuilder text, string name, string labels, string? le, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || le is not null)
            {
                text.Append('{').Append(labels);
                if (le is not null)
                {
                    text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
                }

                text.Append('}');
            }

            text.Append(' ').Append(Number(value)).Append('\n');
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = new StringBuilder();
            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            foreach (var (key, value) in sorted)
            {
                text.Append(text.Length > 0 ? "," : "").Append(Sanitize(key)).Append("=\"").Append(EscapeLabel(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append('"');
            }

            return text.ToString();
        }

        private static double[] BucketsOf(Instrument instrument) => instrument switch
        {
            Histogram<double> { Advice.HistogramBucketBoundaries: { } boundaries } => [.. boundaries],
            _ => s_defaultBuckets,
        };

        private static string PrometheusName(Instrument instrument)
        {
            var name = Sanitize(instrument.Name);
            var unit = instrument.Unit switch
            {
                "s" => "_seconds",
                "By" => "_bytes",
                _ => "",
            };
            if (unit.Length > 0 && !name.EndsWith(unit, StringComparison.Ordinal))
            {
                name += unit;
            }

            return instrument is Counter<long> or Counter<double> or Counter<int> ? name + "_total" : name;
        }

        private static string Sanitize(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] is '_' or ':'))
                {
                    chars[i] = '_';
                }
            }

            return new string(chars);
        }

        private static string EscapeHelp(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        private static string EscapeLabel(string text) => EscapeHelp(text).Replace("\"", "\\\"", StringComparison.Ordinal);

        private static string Number(double value) => value switch
        {
            double.PositiveInfinity => "+Inf",
            double.NegativeInfinity => "-Inf",
            _ when double.IsNaN(value) => "NaN",
            _ => value.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A running sum, or a histogram's bucket counts with its sum and count.</summary>
    private const int MaxTagInstances = 8;

    private sealed record TaggedCell(string Key, object? Value, Cell Cell);

    private sealed class Cell(int bucketCount)
    {
        private readonly Lock _lock = new();
        private readonly long[] _counts = new long[bucketCount];
        private double _sum;
        private long _count;

        public double Sum
        {
            get
            {
                lock (_lock)
                {
                    return _sum;
                }
            }
        }

        public void Add(double value, double[] buckets, bool histogram)
        {
            lock (_lock)
            {
                _sum += value;
                if (!histogram)
                {
                    return;
                }

                _count++;
                var index = Array.BinarySearch(buckets, value);
                index = index >= 0 ? index : ~index; // the first bound >= value; le is inclusive
                if (index < buckets.Length)
                {
                    _counts[index]++;
                }
            }
        }

        public (long[] Counts, double Sum, long Count) Snapshot()
        {
            lock (_lock)
            {
                return ([.. _counts], _sum, _count);
            }
        }
    }
}
