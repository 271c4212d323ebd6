namespace Lantern.Api.V1;

/// <summary>One recorded change of a mailbox: when, what, who, and the counts before and after.</summary>
internal sealed record MailboxHistoryEntryDto(
    DateTimeOffset Time,
    string Kind,
    string Source,
    string Actor,
    MailboxCountsDto? OldCounts,
    MailboxCountsDto? NewCounts,
    long Version);
