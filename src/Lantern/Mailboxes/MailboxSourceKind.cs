namespace Lantern.Mailboxes;

/// <summary>The kinds of mailbox owner.</summary>
public enum MailboxSourceKind
{
    Api = 0,
    Upstream = 1,
    Peer = 2,
    Spool = 3,
}
