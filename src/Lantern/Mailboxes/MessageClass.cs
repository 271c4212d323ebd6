namespace Lantern.Mailboxes;

/// <summary>RFC 3458 message context classes a mailbox can hold.</summary>
public enum MessageClass
{
    Voice = 0,
    Fax = 1,
    Pager = 2,
    Multimedia = 3,
    Text = 4,
}
