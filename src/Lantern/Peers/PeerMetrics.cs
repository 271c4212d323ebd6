using System.Diagnostics.Metrics;

namespace Lantern.Peers;

/// <summary>Meter <c>Lantern.Peers</c>: NOTIFY/PUBLISH requests from other servers by peer, method and response status.</summary>
internal sealed class PeerMetrics : IDisposable
{
    public const string MeterName = "Lantern.Peers";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _requests;

    public PeerMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("lantern.peer.requests", description: "NOTIFY and PUBLISH requests from peers, by response status");
    }

    public void Request(string peer, string method, int status) =>
        _requests.Add(
            1,
            new KeyValuePair<string, object?>("peer", peer),
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("status", status));

    public void Dispose()
    {
        // A factory's meters live as long as the factory; only a meter made here is ours to dispose.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
