namespace Lantern.Mailboxes;

/// <summary>What a write decided on one mailbox state: a final answer, or the mailbox to commit.</summary>
internal readonly record struct MailboxWriteDecision(MailboxWriteResult? Answer, Mailbox? Commit);
