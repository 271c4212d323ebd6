namespace Lantern.Mailboxes;

/// <summary>The outcome of a write: the stored mailbox on success, else the reason.</summary>
/// <param name="Mailbox">The state after the write (or the current state when refused), null when none exists.</param>
/// <param name="Error">A sentence naming the problem; empty on success.</param>
public sealed record MailboxWriteResult(MailboxWriteStatus Status, Mailbox? Mailbox, string Error)
{
    public bool Succeeded => Status is MailboxWriteStatus.Changed or MailboxWriteStatus.Unchanged;
}
