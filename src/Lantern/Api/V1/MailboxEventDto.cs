namespace Lantern.Api.V1;

/// <summary>Data of one SSE <c>mailbox</c> event; <see cref="Kind"/> is <c>updated</c> or <c>deleted</c>.</summary>
internal sealed record MailboxEventDto(
    long Sequence,
    string Kind,
    string Id,
    long Version,
    MailboxCountsDto Counts,
    bool Waiting,
    string Source,
    DateTimeOffset Time);
