namespace Lantern.Mailboxes;

/// <summary>Why one batch item was refused.</summary>
public sealed record MailboxBatchError(int Index, MailboxWriteStatus Status, string Error);
