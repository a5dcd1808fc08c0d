using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace FeedProxy.Observability;

/// <summary>
/// Collects the "FeedProxy" meter with a MeterListener and renders Prometheus text
/// exposition format 0.0.4: counters as-is, histograms as cumulative buckets with _sum and
/// _count, plus a few process gauges. Thread-safe; recording is lock-free per series.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Series> _series = new();
    private readonly ConcurrentDictionary<SeriesKey, Series> _byTags = new();
    private readonly ConcurrentDictionary<string, (string Type, string? Help)> _meta = new(StringComparer.Ordinal);

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FeedMetrics.MeterName)
            {
                _meta[instrument.Name] = (instrument is Histogram<double> ? "histogram" : "counter", instrument.Description);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Every feed request records a few measurements with at most two tags: find their
        // series by the tag values themselves instead of formatting the label text each time.
        Series series;
        if (tags.Length <= 2)
        {
            var first = tags.Length > 0 ? tags[0] : default;
            var second = tags.Length > 1 ? tags[1] : default;
            var key = new SeriesKey(instrument.Name, first.Key, first.Value, second.Key, second.Value);
            if (!_byTags.TryGetValue(key, out series!))
            {
                series = _byTags.GetOrAdd(key, _series.GetOrAdd((instrument.Name, Labels(tags)), static _ => new Series()));
            }
        }
        else
        {
            series = _series.GetOrAdd((instrument.Name, Labels(tags)), static _ => new Series());
        }

        if (instrument is Histogram<double>)
        {
            series.Observe(value);
        }
        else
        {
            series.Add(value);
        }
    }

    public string Render()
    {
        var text = new StringBuilder(4096);
        foreach (var group in _series.GroupBy(s => s.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var (type, help) = _meta.TryGetValue(group.Key, out var m) ? m : ("counter", null);
            if (help is not null)
            {
                text.Append("# HELP ").Append(group.Key).Append(' ').Append(help).Append('\n');
            }

            text.Append("# TYPE ").Append(group.Key).Append(' ').Append(type).Append('\n');
            foreach (var (key, series) in group.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                if (type == "histogram")
                {
                    series.WriteHistogram(text, key.Name, key.Labels);
                }
                else
                {
                    text.Append(key.Name).Append(Braces(key.Labels)).Append(' ').Append(Format(series.Sum)).Append('\n');
                }
            }
        }

        using var process = Process.GetCurrentProcess();
        Gauge(text, "process_resident_memory_bytes", "Resident set size.", process.WorkingSet64);
        Gauge(text, "dotnet_gc_heap_bytes", "Managed heap size.", GC.GetTotalMemory(false));
        Gauge(text, "process_cpu_seconds_total", "CPU time used.", process.TotalProcessorTime.TotalSeconds);
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static void Gauge(StringBuilder text, string name, string help, double value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(" gauge\n")
            .Append(name).Append(' ').Append(Format(value)).Append('\n');

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var parts = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            parts.Add($"{tag.Key}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string Braces(string labels) => labels.Length == 0 ? string.Empty : "{" + labels + "}";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // Tag values compare with object.Equals: boxed numbers by value, strings ordinally.
    private readonly record struct SeriesKey(string Name, string? FirstKey, object? FirstValue, string? SecondKey, object? SecondValue);

    private sealed class Series
    {
        private readonly Lock _gate = new();
        private readonly long[] _bucketCounts = new long[Buckets.Length];
        private double _sum;
        private long _count;

        public double Sum
        {
            get
            {
                lock (_gate)
                {
                    return _sum;
                }
            }
        }

        public void Add(double value)
        {
            lock (_gate)
            {
                _sum += value;
            }
        }

        public void Observe(double value)
        {
            lock (_gate)
            {
                _sum += value;
                _count++;
                for (var i = 0; i < Buckets.Length; i++)
                {
                    if (value <= Buckets[i])
                    {
                        _bucketCounts[i]++;
                    }
                }
            }
        }

        public void WriteHistogram(StringBuilder text, string name, string labels)
        {
            lock (_gate)
            {
                var prefix = labels.Length == 0 ? string.Empty : labels + ",";
                for (var i = 0; i < Buckets.Length; i++)
                {
                    text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"").Append(Format(Buckets[i])).Append("\"} ").Append(_bucketCounts[i]).Append('\n');
                }

                text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"+Inf\"} ").Append(_count).Append('\n');
                text.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Format(_sum)).Append('\n');
                text.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(_count).Append('\n');
            }
        }
    }
}
