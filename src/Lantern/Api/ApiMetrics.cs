using System.Diagnostics.Metrics;

namespace Lantern.Api;

/// <summary>The HTTP API's own instruments (meter <c>Lantern.Api</c>).</summary>
internal sealed class ApiMetrics
{
    public const string MeterName = "Lantern.Api";

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _streamsDropped;

    public ApiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("lantern.http.requests", "{request}", "HTTP requests by method and response class.");
        _duration = meter.CreateHistogram<double>("lantern.http.request.duration", "s", "HTTP request duration.");
        _refused = meter.CreateCounter<long>("lantern.http.connections.refused", "{connection}", "HTTP connections closed on accept at http.maxConnections or http.maxConnectionsPerAddress.");
        _streamsDropped = meter.CreateCounter<long>("lantern.http.event_streams.dropped", "{stream}", "Event streams closed because the client did not keep up.");
    }

    public void ConnectionRefused() => _refused.Add(1);

    public void EventStreamDropped() => _streamsDropped.Add(1);

    public void RecordRequest(string method, int status, TimeSpan elapsed)
    {
        var cls = status is >= 100 and < 600 ? StatusClasses[(status / 100) - 1] : "other";
        var verb = method switch
        {
            "GET" or "PUT" or "POST" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS" => method,
            _ => "other",
        };
        _requests.Add(1, new KeyValuePair<string, object?>("method", verb), new KeyValuePair<string, object?>("code", cls));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("method", verb));
    }
}
