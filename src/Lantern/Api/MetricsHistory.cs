using System.Globalization;
using Lantern.Api.V1;

namespace Lantern.Api;

/// <summary>An in-memory ring of samples of the server's own counters (HTTP requests by method and class, NOTIFYs sent and
/// failed, store commit latency, active subscriptions) over the last 15 minutes, for the console's health charts.</summary>
/// <remarks>Only the few families the charts draw are kept, so the ring is a few hundred numbers per sample whatever the load;
/// nothing is written to the store and a restart starts empty.</remarks>
internal sealed class MetricsHistory : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private const string HttpRequests = "lantern_http_requests_total{";
    private const string NotifySent = "lantern_notify_sent_total";
    private const string NotifyFailed = "lantern_notify_failed_total";
    private const string CommitCount = "lantern_store_commit_duration_count";
    private const string CommitSum = "lantern_store_commit_duration_sum";
    private const string Subscriptions = "lantern_subscriptions_active";

    private readonly MetricsCollector _collector;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly int _capacity;
    private readonly Queue<(DateTimeOffset At, Dictionary<string, double> Values)> _ring = new();
    private readonly Lock _gate = new();

    public MetricsHistory(MetricsCollector collector, TimeProvider time)
        : this(collector, time, DefaultInterval)
    {
    }

    internal MetricsHistory(MetricsCollector collector, TimeProvider time, TimeSpan interval)
    {
        _collector = collector;
        _time = time;
        _interval = interval;
        _capacity = (int)(Window / interval) + 1;
    }

    /// <summary>Takes one sample now (the timer does this every interval).</summary>
    public void SampleNow()
    {
        var values = Keep(_collector.Sample());
        lock (_gate)
        {
            _ring.Enqueue((_time.GetUtcNow(), values));
            while (_ring.Count > _capacity)
            {
                _ring.Dequeue();
            }
        }
    }

    /// <summary>Rates per second between consecutive samples, the last one ending now.</summary>
    public MetricsHistoryDto Read()
    {
        List<(DateTimeOffset At, Dictionary<string, double> Values)> points;
        lock (_gate)
        {
            points = [.. _ring];
        }

        points.Add((_time.GetUtcNow(), Keep(_collector.Sample())));
        var times = new List<DateTimeOffset>();
        var series = new SortedDictionary<(string Chart, string Name), double?[]>();
        var n = points.Count - 1;
        for (var i = 1; i < points.Count; i++)
        {
            times.Add(points[i].At);
        }

        for (var i = 1; i < points.Count; i++)
        {
            var (before, after) = (points[i - 1], points[i]);
            var seconds = Math.Max((after.At - before.At).TotalSeconds, 0.001);
            foreach (var (key, value) in after.Values)
            {
                if (key.StartsWith(HttpRequests, StringComparison.Ordinal))
                {
                    Line(series, n, "HTTP requests/s", RequestLabel(key))[i - 1] = Rate(before.Values, key, value, seconds);
                }
            }

            Line(series, n, "NOTIFYs/s", "sent")[i - 1] = Rate(before.Values, after.Values, NotifySent, seconds);
            Line(series, n, "NOTIFYs/s", "failed")[i - 1] = Rate(before.Values, after.Values, NotifyFailed, seconds);
            var commits = Sum(after.Values, CommitCount) - Sum(before.Values, CommitCount);
            var commitSeconds = Sum(after.Values, CommitSum) - Sum(before.Values, CommitSum);
            Line(series, n, "Store commit latency (ms)", "average")[i - 1] = commits > 0 ? Math.Round(commitSeconds / commits * 1000, 3) : null;
            Line(series, n, "Active subscriptions", "subscriptions")[i - 1] = Sum(after.Values, Subscriptions);
        }

        var result = new List<MetricSeriesDto>(series.Count);
        foreach (var ((chart, name), values) in series)
        {
            result.Add(new MetricSeriesDto(chart, name, values));
        }

        return new MetricsHistoryDto((int)_interval.TotalSeconds, (int)Window.TotalSeconds, times, result);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        SampleNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                SampleNow();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Dictionary<string, double> Keep(Dictionary<string, double> all)
    {
        var kept = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in all)
        {
            if (key.StartsWith(HttpRequests, StringComparison.Ordinal) || key.StartsWith(NotifySent, StringComparison.Ordinal)
                || key.StartsWith(NotifyFailed, StringComparison.Ordinal) || key.StartsWith(CommitCount, StringComparison.Ordinal)
                || key.StartsWith(CommitSum, StringComparison.Ordinal) || key.StartsWith(Subscriptions, StringComparison.Ordinal))
            {
                kept[key] = value;
            }
        }

        return kept;
    }

    private static double?[] Line(SortedDictionary<(string, string), double?[]> series, int n, string chart, string name)
    {
        if (!series.TryGetValue((chart, name), out var values))
        {
            series[(chart, name)] = values = new double?[n];
        }

        return values;
    }

    private static double Rate(Dictionary<string, double> before, string key, double after, double seconds) =>
        Math.Round(Math.Max(after - (before.TryGetValue(key, out var b) ? b : 0), 0) / seconds, 3);

    private static double Rate(Dictionary<string, double> before, Dictionary<string, double> after, string family, double seconds) =>
        Math.Round(Math.Max(Sum(after, family) - Sum(before, family), 0) / seconds, 3);

    /// <summary>The sum over every label set of one family.</summary>
    private static double Sum(Dictionary<string, double> values, string family)
    {
        var sum = 0.0;
        foreach (var (key, value) in values)
        {
            if (key.StartsWith(family, StringComparison.Ordinal) && (key.Length == family.Length || key[family.Length] == '{'))
            {
                sum += value;
            }
        }

        return sum;
    }

    /// <summary><c>GET 2xx</c> from <c>lantern_http_requests_total{code="2xx",method="GET"}</c>.</summary>
    private static string RequestLabel(string key)
    {
        var method = Label(key, "method");
        var code = Label(key, "code");
        return string.Create(CultureInfo.InvariantCulture, $"{method} {code}");
    }

    private static string Label(string key, string name)
    {
        var start = key.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return "?";
        }

        start += name.Length + 2;
        var end = key.IndexOf('"', start);
        return end < 0 ? "?" : key[start..end];
    }
}
