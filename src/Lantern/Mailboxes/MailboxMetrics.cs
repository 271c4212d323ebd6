using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lantern.Mailboxes;

/// <summary>The mailbox layer's instruments (meter <c>Lantern.Mailboxes</c>): writes by outcome, store commit latency, mailbox and reader counts.</summary>
internal sealed class MailboxMetrics : IDisposable
{
    public const string MeterName = "Lantern.Mailboxes";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _batches;
    private readonly Histogram<double> _commit;
    private readonly KeyValuePair<string, object?>[] _statusTags;

    /// <param name="meterFactory">The host's factory, so each host (and test host) has its own meter; without one the meter is private to this instance.</param>
    public MailboxMetrics(Func<int> mailboxes, Func<int> readers, IMeterFactory? meterFactory = null)
    {
        // A factory's meters are its own to dispose (and shared by name within it); a meter made here is ours.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _writes = _meter.CreateCounter<long>("lantern.mailbox.writes", description: "Mailbox writes by outcome");
        _batches = _meter.CreateCounter<long>("lantern.mailbox.batches", description: "Atomic batches by outcome");
        _commit = _meter.CreateHistogram<double>("lantern.store.commit.duration", unit: "s", description: "Time to commit a mailbox write to the store");
        _meter.CreateObservableGauge("lantern.mailboxes", mailboxes, description: "Mailboxes held");
        _meter.CreateObservableGauge("lantern.mailbox.feed.readers", readers, description: "Live change feed readers");
        var statuses = Enum.GetValues<MailboxWriteStatus>();
        _statusTags = new KeyValuePair<string, object?>[statuses.Length];
        foreach (var status in statuses)
        {
            _statusTags[(int)status] = new("status", status.ToString().ToLowerInvariant());
        }
    }

    /// <summary>This instance's meter, so a listener can tell it from other services' in the same process.</summary>
    public Meter Meter => _meter;

    public MailboxWriteResult Write(MailboxWriteResult result)
    {
        _writes.Add(1, _statusTags[(int)result.Status]);
        return result;
    }

    public MailboxBatchResult Batch(MailboxBatchResult result)
    {
        _batches.Add(1, new KeyValuePair<string, object?>("applied", result.Applied));
        return result;
    }

    public void Commit(long startTimestamp) => _commit.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
