namespace Lantern.Api.V1;

/// <summary>One outbound subscription's status (sip.md §7); the target never carries the secret.</summary>
/// <param name="State"><c>subscribing</c>, <c>active</c>, <c>retrying</c>, <c>failed-auth</c> or <c>failed-no-notify</c>.</param>
internal sealed record UpstreamDto(
    string Name,
    string Target,
    string Mailbox,
    string Transport,
    string State,
    int? GrantedExpires,
    DateTimeOffset? LastNotifyAt,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    long Attempts,
    int Failures);
