using System.Diagnostics.Metrics;

namespace Lantern.Phones;

/// <summary>Instruments of the phones layer (<c>lantern.notify.*</c>, <c>lantern.phones.*</c>), exported at <c>/metrics</c> by the host.</summary>
internal sealed class PhonesMetrics : IDisposable
{
    public const string MeterName = "Lantern.Phones";

    private readonly Meter _meter;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _overloaded;

    /// <param name="factory">The host's meter factory; null for a private meter (tests).</param>
    public PhonesMetrics(IMeterFactory? factory)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _sent = _meter.CreateCounter<long>("lantern.notify.sent", description: "NOTIFYs answered 2xx");
        _failed = _meter.CreateCounter<long>("lantern.notify.failed", description: "NOTIFYs that failed (non-2xx, timeout, transport error)");
        _overloaded = _meter.CreateCounter<long>("lantern.phones.overload", description: "SUBSCRIBE/REGISTER answered 503 at a bound");
    }

    /// <summary>Registers observable gauges for the live tables.</summary>
    public void ObserveTables(Func<int> subscriptions, Func<int> registrations, Func<int> notifiesInFlight)
    {
        _meter.CreateObservableGauge("lantern.subscriptions.active", subscriptions, description: "Live message-summary subscriptions");
        _meter.CreateObservableGauge("lantern.registrations.active", registrations, description: "Contact bindings from REGISTER and the API");
        _meter.CreateObservableGauge("lantern.notify.in_flight", notifiesInFlight, description: "NOTIFYs waiting for their final response");
    }

    /// <summary>Registers the gauge of subscription/registration records waiting for their commit.</summary>
    public void ObserveStore(Func<int> pendingWrites, Func<TimeSpan> delay)
    {
        _meter.CreateObservableGauge("lantern.phones.store.pending", pendingWrites, description: "Subscription and registration records waiting for their commit");
        _meter.CreateObservableGauge("lantern.phones.store.delay", () => delay().TotalSeconds, unit: "s", description: "Age of the oldest record write not yet committed");
    }

    public void NotifySent(bool inDialog) => _sent.Add(1, new KeyValuePair<string, object?>("kind", inDialog ? "subscription" : "unsolicited"));

    public void NotifyFailed(bool inDialog) => _failed.Add(1, new KeyValuePair<string, object?>("kind", inDialog ? "subscription" : "unsolicited"));

    public void Overloaded(string method) => _overloaded.Add(1, new KeyValuePair<string, object?>("method", method));

    public void Dispose() => _meter.Dispose();
}
