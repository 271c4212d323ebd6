using System.Diagnostics.Metrics;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

public sealed class UpstreamMetricsTests
{
    [Fact]
    public void Counters_RecordAttemptsAndFailures()
    {
        var seen = new Dictionary<string, long>();
        using var metrics = new UpstreamMetrics(null, () => []);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == UpstreamMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (seen)
            {
                seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        metrics.Attempt("prov");
        metrics.Attempt("prov");
        metrics.Failure("prov", "auth");

        lock (seen)
        {
            Assert.Equal(2, seen["lantern.upstream.attempts"]);
            Assert.Equal(1, seen["lantern.upstream.failures"]);
        }
    }
}
