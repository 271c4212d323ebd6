using System.Diagnostics.Metrics;

namespace Lantern.Ami;

/// <summary>Instruments of the <c>Lantern.Ami</c> meter.</summary>
internal sealed class AmiMetrics : IDisposable
{
    public const string MeterName = "Lantern.Ami";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly UpDownCounter<long> _sessions;
    private readonly Counter<long> _actions;
    private readonly Counter<long> _events;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _loginFailures;

    public AmiMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sessions = _meter.CreateUpDownCounter<long>("lantern.ami.sessions", description: "Open AMI connections");
        _actions = _meter.CreateCounter<long>("lantern.ami.actions", description: "AMI actions handled, by action and result");
        _events = _meter.CreateCounter<long>("lantern.ami.events", description: "MessageWaiting events queued to sessions");
        _dropped = _meter.CreateCounter<long>("lantern.ami.sessions.dropped", description: "AMI sessions closed by the server, by reason");
        _loginFailures = _meter.CreateCounter<long>("lantern.ami.login.failures", description: "Failed AMI logins");
    }

    public void SessionOpened() => _sessions.Add(1);

    public void SessionClosed() => _sessions.Add(-1);

    /// <summary>Counts one action; <paramref name="action"/> is one of the known names or "other", keeping the tag set bounded.</summary>
    public void Action(string action, bool success) =>
        _actions.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("result", success ? "success" : "error"));

    public void EventsQueued(int sessions) => _events.Add(sessions);

    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void LoginFailed() => _loginFailures.Add(1);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
