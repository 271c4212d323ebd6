namespace Lantern.Mailboxes;

/// <summary>What one recorded change did to a mailbox.</summary>
public enum MailboxHistoryKind
{
    Created = 0,
    Updated = 1,
    Deleted = 2,
    Lapsed = 3,
    Resumed = 4,
}
