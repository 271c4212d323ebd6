namespace Lantern.Mailboxes;

/// <summary>What a change did to a mailbox.</summary>
public enum MailboxChangeKind
{
    Updated = 0,
    Deleted = 1,
}
