namespace Lantern.Mailboxes;

/// <summary>One committed change of a mailbox as kept in its history: when, by whom, and the counts before and after.</summary>
/// <param name="Actor">Who asked for the change: <c>api:USER</c>, <c>ami:USER</c>, <c>cli:USER</c>, <c>upstream:NAME</c>, <c>peer:NAME</c>, <c>spool:NAME</c>.</param>
/// <param name="Old">The counts before; null when the change created the mailbox.</param>
/// <param name="New">The counts after; null when the change deleted the mailbox.</param>
/// <param name="Version">The mailbox's version after the change (before it, for a deletion).</param>
public sealed record MailboxHistoryEntry(
    MailboxId Id,
    DateTimeOffset Time,
    MailboxHistoryKind Kind,
    MailboxSource Source,
    string Actor,
    MailboxCounts? Old,
    MailboxCounts? New,
    long Version)
{
    /// <summary>How many of a mailbox's most recent changes every store keeps.</summary>
    public const int Limit = 100;
}
