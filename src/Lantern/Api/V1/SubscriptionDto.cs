namespace Lantern.Api.V1;

/// <summary>One live message-summary subscription from a phone or trusted source.</summary>
/// <param name="State"><c>active</c> or <c>terminating</c>.</param>
internal sealed record SubscriptionDto(
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
