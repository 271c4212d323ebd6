namespace Lantern.Mailboxes;

/// <summary>One mailbox's committed state.</summary>
/// <param name="Version">Increases by one with every change that alters the counts.</param>
/// <param name="PublicationLapsed">True when the owner's PUBLISH expired or was removed; counts are kept.</param>
public sealed record Mailbox(
    MailboxId Id,
    MailboxCounts Counts,
    long Version,
    MailboxSource Source,
    DateTimeOffset UpdatedAt,
    bool PublicationLapsed = false)
{
    public bool Waiting => Counts.Waiting;
}
