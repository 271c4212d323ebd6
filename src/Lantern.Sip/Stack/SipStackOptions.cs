using Lantern.Sip.Messages;

namespace Lantern.Sip.Stack;

/// <summary>Settings of the SIP stack: wire limits, RFC 3261 timers, bounds, and what OPTIONS advertises.</summary>
public sealed record SipStackOptions
{
    public SipLimits Limits { get; init; } = SipLimits.Default;

    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Serial shards (by Call-ID); 0 means one per processor.</summary>
    public int Shards { get; init; }

    /// <summary>Transactions alive at once across all shards; beyond it requests get 503.</summary>
    /// <remarks>Completed UDP transactions live for Timer J (64·T1 = 32 s), so the sustained UDP rate this allows is about
    /// MaxTransactions / 32 s: the default admits about 15,000 transactions/s.</remarks>
    public int MaxTransactions { get; init; } = 500_000;

    /// <summary>Events waiting per shard; beyond it requests get 503 and responses are dropped.</summary>
    public int MaxQueuedPerShard { get; init; } = 10_000;

    /// <summary>Shortest Retry-After seconds on a 503 for overload.</summary>
    public int RetryAfterSeconds { get; init; } = 5;

    /// <summary>Up to this many seconds added at random to each overload Retry-After (0: none).</summary>
    public int RetryAfterJitterSeconds { get; init; } = 5;

    /// <summary>A request that would start new work (no To tag) and waited longer than this between its receipt and its turn
    /// on the shard is answered 503 instead of being handled: well under T1, so the sender has not retransmitted yet.</summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><see cref="MaxQueueDelay"/> refuses only while at least this many events wait on the shard: a delay with
    /// nothing queued behind it comes from a slow machine, not from a backlog that refusing would shorten.</summary>
    public int MinQueuedToRefuse { get; init; }

    /// <summary>New requests are answered 503 while the delay reported by <see cref="SipStack.SetBacklogProbe"/> (work behind
    /// the handlers, e.g. a store's group commit) is longer than this.</summary>
    public TimeSpan MaxBacklogDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Bounds the new requests admitted and not yet answered by a window (<see cref="SipAdmissionWindow"/>, decision
    /// 0043) that shrinks when their answers take longer than <see cref="AdmissionTarget"/> on average or a bound refuses, and
    /// grows while it refuses and answers are in time; beyond it new requests get 503. Off, only the bounds refuse.</summary>
    public bool AdmissionWindow { get; init; } = true;

    /// <summary>Mean time from receipt to final response of admitted new requests past which the admission window is cut:
    /// well under T1, so answers go out before the sender retransmits.</summary>
    public TimeSpan AdmissionTarget { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Option tags Lantern supports (a Require naming another gets 420); also sent as Supported in OPTIONS answers.</summary>
    public IReadOnlyList<string> SupportedExtensions { get; init; } = [];

    /// <summary>Body types accepted, advertised in OPTIONS answers.</summary>
    public IReadOnlyList<string> Accept { get; init; } = ["application/simple-message-summary"];

    /// <summary>Event packages, advertised in OPTIONS answers as Allow-Events.</summary>
    public IReadOnlyList<string> AllowEvents { get; init; } = ["message-summary"];

    /// <summary>UDP requests larger than this go over TCP (RFC 3261 §18.1.1).</summary>
    public int MaxUdpRequestBytes { get; init; } = 1300;
}
