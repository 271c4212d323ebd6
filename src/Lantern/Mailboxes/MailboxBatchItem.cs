namespace Lantern.Mailboxes;

/// <summary>One item of an atomic batch.</summary>
public sealed record MailboxBatchItem(MailboxId Id, MailboxUpdate Update);
