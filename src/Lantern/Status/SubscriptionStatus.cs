namespace Lantern.Status;

/// <summary>One live message-summary subscription, for <c>GET /api/v1/subscriptions</c> and <c>lantern subscriptions</c>.</summary>
/// <param name="EndpointId">The endpoint it belongs to; null for a trusted source naming a mailbox of no endpoint.</param>
/// <param name="Mailboxes">Mailbox ids it covers.</param>
/// <param name="State"><c>active</c> or <c>terminating</c>.</param>
/// <param name="Remote">Transport and address the phone used, e.g. <c>udp 192.0.2.7:5060</c>.</param>
/// <param name="LastResult">Outcome of the last NOTIFY (<c>200 OK</c>, <c>timeout</c>, ...), null before the first.</param>
public sealed record SubscriptionStatus(
    long Id,
    string? EndpointId,
    IReadOnlyList<string> Mailboxes,
    bool Aggregate,
    string State,
    string CallId,
    string RemoteTarget,
    string Remote,
    bool Trusted,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    long LastVersion,
    DateTimeOffset? LastNotifyAt,
    string? LastResult);
