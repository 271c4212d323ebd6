using System.Diagnostics.Metrics;

namespace Lantern.Upstreams;

/// <summary>Meter <c>Lantern.Upstreams</c>: SUBSCRIBE attempts, failures, NOTIFYs, and the number of upstreams per state.</summary>
internal sealed class UpstreamMetrics : IDisposable
{
    public const string MeterName = "Lantern.Upstreams";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _notifies;

    public UpstreamMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<int>>> states)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _attempts = _meter.CreateCounter<long>("lantern.upstream.attempts", description: "SUBSCRIBE requests sent to upstreams");
        _failures = _meter.CreateCounter<long>("lantern.upstream.failures", description: "Failed upstream subscription attempts");
        _notifies = _meter.CreateCounter<long>("lantern.upstream.notifies", description: "NOTIFYs received from upstreams, by response status");
        _meter.CreateObservableGauge("lantern.upstream.state", states, description: "Upstreams in each state");
    }

    public void Attempt(string upstream) => _attempts.Add(1, new KeyValuePair<string, object?>("upstream", upstream));

    public void Failure(string upstream, string kind) =>
        _failures.Add(1, new KeyValuePair<string, object?>("upstream", upstream), new KeyValuePair<string, object?>("kind", kind));

    public void Notify(string upstream, int status) =>
        _notifies.Add(1, new KeyValuePair<string, object?>("upstream", upstream), new KeyValuePair<string, object?>("status", status));

    public void Dispose()
    {
        // A factory's meters live as long as the factory; only a meter made here is ours to dispose.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
