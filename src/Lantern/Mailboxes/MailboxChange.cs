namespace Lantern.Mailboxes;

/// <summary>One committed change from the change feed; <see cref="Sequence"/> orders all changes of this node.</summary>
/// <param name="Mailbox">The state after the change; for a deletion, the last state before it.</param>
public sealed record MailboxChange(long Sequence, MailboxChangeKind Kind, Mailbox Mailbox, DateTimeOffset Time);
