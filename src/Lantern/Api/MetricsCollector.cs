using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Lantern.Api;

/// <summary>Listens to every <c>Lantern*</c> meter of this host and renders the Prometheus text exposition format.</summary>
/// <remarks>Counters and up-down counters are summed, gauges and observable instruments keep the last value,
/// histograms are exposed as summaries with <c>_count</c> and <c>_sum</c>. New meters appear without registration.</remarks>
internal sealed class MetricsCollector : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener;
    private readonly IMeterFactory _meterFactory;
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();
    private readonly Lock _scrapeLock = new();

    public MetricsCollector(IMeterFactory meterFactory)
    {
        _meterFactory = meterFactory;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentSeries? _),
        };
        // The state can be null for a measurement racing an instrument's publication on another thread; skip it.
        _listener.SetMeasurementEventCallback<long>(static (i, v, t, s) => (s as InstrumentSeries)?.Record(v, t));
        _listener.SetMeasurementEventCallback<int>(static (i, v, t, s) => (s as InstrumentSeries)?.Record(v, t));
        _listener.SetMeasurementEventCallback<short>(static (i, v, t, s) => (s as InstrumentSeries)?.Record(v, t));
        _listener.SetMeasurementEventCallback<byte>(static (i, v, t, s) => (s as InstrumentSeries)?.Record(v, t));
        _listener.SetMeasurementEventCallback<double>(static (i, v, t, s) => (s as InstrumentSeries)?.Record(v, t));
        _listener.SetMeasurementEventCallback<float>(static (i, v, t, s) => (s as InstrumentSeries)?.Record(v, t));
        _listener.SetMeasurementEventCallback<decimal>(static (i, v, t, s) => (s as InstrumentSeries)?.Record((double)v, t));
        _listener.Start();
    }

    /// <summary>Writes every metric family, sorted by name.</summary>
    public string Scrape()
    {
        lock (_scrapeLock)
        {
            foreach (var series in _instruments.Values)
            {
                series.BeginObservation();
            }

            _listener.RecordObservableInstruments();
            var families = new SortedDictionary<string, List<InstrumentSeries>>(StringComparer.Ordinal);
            foreach (var series in _instruments.Values)
            {
                if (!families.TryGetValue(series.FamilyName, out var list))
                {
                    families[series.FamilyName] = list = [];
                }

                list.Add(series);
            }

            var text = new StringBuilder();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, list) in families)
            {
                var first = list[0];
                text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(first.Help)).Append('\n');
                text.Append("# TYPE ").Append(name).Append(' ').Append(first.PrometheusType).Append('\n');
                foreach (var series in list)
                {
                    series.WriteSamples(text, written);
                }
            }

            return text.ToString();
        }
    }

    /// <summary>Every current value keyed by its exposition name with labels (<c>lantern_notify_sent_total{kind="subscription"}</c>),
    /// histograms as <c>_count</c> and <c>_sum</c>; for the console's in-memory history.</summary>
    public Dictionary<string, double> Sample()
    {
        lock (_scrapeLock)
        {
            foreach (var series in _instruments.Values)
            {
                series.BeginObservation();
            }

            _listener.RecordObservableInstruments();
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var series in _instruments.Values)
            {
                series.AddValues(values);
            }

            return values;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;

        // Meters from another host's factory (tests run several hosts in one process) are not ours.
        if (!meter.Name.StartsWith("Lantern", StringComparison.Ordinal)
            || (meter.Scope is not null && !ReferenceEquals(meter.Scope, _meterFactory)))
        {
            return;
        }

        var series = new InstrumentSeries(instrument);
        if (_instruments.TryAdd(instrument, series))
        {
            listener.EnableMeasurementEvents(instrument, series);
        }
    }

    private static string EscapeHelp(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>The aggregated series of one instrument, keyed by their label set.</summary>
    private sealed class InstrumentSeries
    {
        // Measurements arrive on the SIP hot path: the few series an instrument usually has are found by comparing tags,
        // so the Prometheus label text is built once per series rather than once per measurement.
        private const int RecentSeries = 16;
        private readonly Dictionary<string, double[]> _points = new(StringComparer.Ordinal);
        private readonly List<(KeyValuePair<string, object?>[] Tags, double[] Point)> _recent = [];
        private readonly Lock _lock = new();
        private readonly Kind _kind;

        public InstrumentSeries(Instrument instrument)
        {
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            _kind = generic == typeof(Counter<>) ? Kind.Counter
                : generic == typeof(UpDownCounter<>) ? Kind.Sum
                : generic == typeof(Histogram<>) ? Kind.Histogram
                : generic == typeof(ObservableCounter<>) ? Kind.ObservedCounter
                : Kind.Last;
            var baseName = Sanitize(instrument.Name);
            FamilyName = _kind is Kind.Counter or Kind.ObservedCounter && !baseName.EndsWith("_total", StringComparison.Ordinal)
                ? baseName + "_total"
                : baseName;
            Help = (instrument.Description ?? instrument.Name) + (string.IsNullOrEmpty(instrument.Unit) ? string.Empty : $" ({instrument.Unit})");
            IsObservable = instrument.IsObservable;
        }

        private enum Kind
        {
            Counter,
            Sum,
            Histogram,
            ObservedCounter,
            Last,
        }

        public string FamilyName { get; }

        public string Help { get; }

        public bool IsObservable { get; }

        public string PrometheusType => _kind switch
        {
            Kind.Counter or Kind.ObservedCounter => "counter",
            Kind.Histogram => "summary",
            _ => "gauge",
        };

        public void BeginObservation()
        {
            if (IsObservable)
            {
                // An observable callback reports the current set of series; ones it no longer reports disappear.
                lock (_lock)
                {
                    _points.Clear();
                    _recent.Clear();
                }
            }
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_lock)
            {
                var point = Find(tags);
                if (point is null)
                {
                    var labels = Labels(tags);
                    if (!_points.TryGetValue(labels, out point))
                    {
                        _points[labels] = point = new double[2];
                    }

                    if (_recent.Count < RecentSeries)
                    {
                        _recent.Add((tags.ToArray(), point));
                    }
                }

                switch (_kind)
                {
                    case Kind.Counter or Kind.Sum:
                        point[0] += value;
                        break;
                    case Kind.Histogram:
                        point[0] += value;
                        point[1] += 1;
                        break;
                    default:
                        point[0] = value;
                        break;
                }
            }
        }

        /// <summary>Appends this instrument's samples; a series already <paramref name="written"/> (a same-named
        /// meter of another component instance in this process) is skipped, as Prometheus rejects duplicates.</summary>
        public void WriteSamples(StringBuilder text, HashSet<string> written)
        {
            lock (_lock)
            {
                foreach (var (labels, point) in _points)
                {
                    if (!written.Add(FamilyName + labels))
                    {
                        continue;
                    }

                    if (_kind == Kind.Histogram)
                    {
                        Sample(text, FamilyName + "_count", labels, point[1]);
                        Sample(text, FamilyName + "_sum", labels, point[0]);
                    }
                    else
                    {
                        Sample(text, FamilyName, labels, point[0]);
                    }
                }
            }
        }

        public void AddValues(Dictionary<string, double> values)
        {
            lock (_lock)
            {
                foreach (var (labels, point) in _points)
                {
                    if (_kind == Kind.Histogram)
                    {
                        values.TryAdd(FamilyName + "_count" + labels, point[1]);
                        values.TryAdd(FamilyName + "_sum" + labels, point[0]);
                    }
                    else
                    {
                        values.TryAdd(FamilyName + labels, point[0]);
                    }
                }
            }
        }

        private double[]? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var (known, point) in _recent)
            {
                if (SameTags(known, tags))
                {
                    return point;
                }
            }

            return null;
        }

        private static bool SameTags(KeyValuePair<string, object?>[] known, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (known.Length != tags.Length)
            {
                return false;
            }

            foreach (var tag in tags)
            {
                var found = false;
                foreach (var k in known)
                {
                    if (string.Equals(k.Key, tag.Key, StringComparison.Ordinal))
                    {
                        found = Equals(k.Value, tag.Value);
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }

        private static void Sample(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name).Append(labels).Append(' ');
            text.Append(double.IsPositiveInfinity(value) ? "+Inf"
                : double.IsNegativeInfinity(value) ? "-Inf"
                : double.IsNaN(value) ? "NaN"
                : value.ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return string.Empty;
            }

            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder("{");
            for (var i = 0; i < sorted.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                text.Append(Sanitize(sorted[i].Key)).Append("=\"");
                var value = Convert.ToString(sorted[i].Value, CultureInfo.InvariantCulture) ?? string.Empty;
                foreach (var c in value)
                {
                    _ = c switch
                    {
                        '\\' => text.Append("\\\\"),
                        '"' => text.Append("\\\""),
                        '\n' => text.Append("\\n"),
                        _ => text.Append(c),
                    };
                }

                text.Append('"');
            }

            return text.Append('}').ToString();
        }

        private static string Sanitize(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                var c = chars[i];
                var letter = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';
                if (!letter && !(i > 0 && char.IsAsciiDigit(c)))
                {
                    chars[i] = '_';
                }
            }

            return new string(chars);
        }
    }
}
