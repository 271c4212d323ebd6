namespace Lantern.Api.V1;

/// <summary>A mailbox's full committed state.</summary>
internal sealed record MailboxDto(
    string Id,
    string Mailbox,
    string Context,
    MailboxCountsDto Counts,
    bool Waiting,
    long Version,
    string Source,
    DateTimeOffset UpdatedAt,
    bool PublicationLapsed);
