using System.Diagnostics.Metrics;
using Lantern.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Lantern.Tests.Api;

public sealed class MetricsCollectorTests
{
    [Fact]
    public void Scrape_LanternInstruments_AggregatesByKindAndLabels()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(factory);
        var meter = factory.Create("Lantern.Test");
        var counter = meter.CreateCounter<long>("lantern.test.sent", description: "NOTIFYs sent.");
        var updown = meter.CreateUpDownCounter<int>("lantern.test.active");
        var histogram = meter.CreateHistogram<double>("lantern.test.latency", "s");
        var gaugeValue = 7;
        meter.CreateObservableGauge("lantern.test.depth", () => gaugeValue);

        counter.Add(2, new KeyValuePair<string, object?>("result", "ok"));
        counter.Add(3, new KeyValuePair<string, object?>("result", "ok"));
        counter.Add(1, new KeyValuePair<string, object?>("result", "fail \"x\""));
        updown.Add(5);
        updown.Add(-2);
        histogram.Record(0.5);
        histogram.Record(1.5);

        var text = collector.Scrape();

        Assert.Contains("# HELP lantern_test_sent_total NOTIFYs sent.\n# TYPE lantern_test_sent_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_test_sent_total{result=\"ok\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_test_sent_total{result=\"fail \\\"x\\\"\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE lantern_test_active gauge\nlantern_test_active 3\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_test_latency_count 2\nlantern_test_latency_sum 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE lantern_test_depth gauge\nlantern_test_depth 7\n", text, StringComparison.Ordinal);

        gaugeValue = 9;
        Assert.Contains("lantern_test_depth 9\n", collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_ForeignMetersAndOtherFactories_AreIgnored()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(factory);
        factory.Create("System.Other").CreateCounter<long>("other.count").Add(1);
        other.GetRequiredService<IMeterFactory>().Create("Lantern.Elsewhere").CreateCounter<long>("lantern.elsewhere").Add(1);
        factory.Create("Lantern.Here").CreateCounter<long>("lantern.here").Add(1);

        var text = collector.Scrape();

        Assert.DoesNotContain("other_count", text, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", text, StringComparison.Ordinal);
        Assert.Contains("lantern_here_total 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_TagsInAnyOrderAndManySeries_EachSeriesCountedOnce()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(factory);
        var counter = factory.Create("Lantern.Test").CreateCounter<long>("lantern.test.sent");
        KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

        counter.Add(1, Tag("a", "x"), Tag("b", 1));
        counter.Add(2, Tag("b", 1), Tag("a", "x"));
        counter.Add(4, Tag("b", 2), Tag("a", "x"));
        counter.Add(8, Tag("a", "x"));
        for (var i = 0; i < 40; i++)
        {
            counter.Add(1, Tag("n", i));
            counter.Add(1, Tag("n", i));
        }

        var text = collector.Scrape();

        Assert.Contains("lantern_test_sent_total{a=\"x\",b=\"1\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_test_sent_total{a=\"x\",b=\"2\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_test_sent_total{a=\"x\"} 8\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_test_sent_total{n=\"0\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("lantern_test_sent_total{n=\"39\"} 2\n", text, StringComparison.Ordinal);
    }
}
