namespace Lantern.Configuration;

/// <summary><c>sip.overload</c>: when new requests are refused with 503 so that work already admitted finishes in time.</summary>
public sealed class SipOverloadOptions
{
    /// <summary>A new request that waited longer than this for its shard is answered 503 (well under T1 = 500 ms).</summary>
    public int MaxQueueDelayMs { get; set; } = 100;

    /// <summary>The queue delay refuses only while at least this many events wait on the shard, so a lone request on a
    /// machine that is merely slow (a core taken by another process) is served, not refused.</summary>
    public int MinQueuedToRefuse { get; set; } = 8;

    /// <summary>New requests are answered 503 while the oldest uncommitted subscription or binding write is older than this.</summary>
    public int MaxStoreDelayMs { get; set; } = 250;

    /// <summary>New requests admitted and not yet answered are bounded by a window that shrinks when their answers take longer
    /// than <see cref="AdmissionTargetMs"/> on average and grows while answers are in time (decision 0043); false leaves only
    /// the delay bounds.</summary>
    public bool AdmissionWindow { get; set; } = true;

    /// <summary>Mean answer time (receipt to final response) of admitted new requests past which the window is cut.</summary>
    public int AdmissionTargetMs { get; set; } = 200;

    /// <summary>Events waiting per shard, both lanes together; beyond it requests get 503 and responses are dropped.</summary>
    public int MaxQueuedPerShard { get; set; } = 10_000;

    /// <summary>In-dialog NOTIFYs awaiting their answer at once; a fan-out beyond it sends each next one as an answer comes
    /// (or as one stays unanswered for T1), so the phones' and the proxy's receive buffers are not flooded.</summary>
    public int MaxNotifiesInFlight { get; set; } = 1000;

    /// <summary>Shortest Retry-After on an overload 503, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Up to this many seconds are added at random to each Retry-After, so refused phones do not return together.</summary>
    public int RetryAfterJitterSeconds { get; set; } = 5;
}
