namespace Lantern.Status;

/// <summary>One outbound subscription as <c>GET /api/v1/upstreams</c> and <c>lantern upstreams</c> show it.</summary>
/// <param name="Name">The configured name (also the mailbox source <c>upstream:NAME</c>).</param>
/// <param name="Target">The subscribed Request-URI, e.g. <c>sip:1234@provider.example.com</c>.</param>
/// <param name="Mailbox">The local mailbox the state is mirrored into, <c>mailbox@context</c>.</param>
/// <param name="Transport">udp, tcp or tls.</param>
/// <param name="GrantedExpires">Seconds the server granted on the last success; null before any.</param>
/// <param name="LastNotifyAt">When the last NOTIFY was accepted; null before any.</param>
/// <param name="LastError">The most recent failure in words (kept after recovery, for diagnosis); null when none yet.</param>
/// <param name="NextAttemptAt">When the next SUBSCRIBE (refresh or retry) is due; null while one is in flight.</param>
/// <param name="Failures">Consecutive failures since the last success (drives the backoff).</param>
public sealed record UpstreamStatus(
    string Name,
    string Target,
    string Mailbox,
    string Transport,
    UpstreamState State,
    int? GrantedExpires,
    DateTimeOffset? LastNotifyAt,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    long Attempts,
    int Failures);
