using Lantern.Mailboxes;

namespace Lantern.Phones;

/// <summary>One message-summary body a target produces: the mailboxes summed into it and the user of its Message-Account.</summary>
internal sealed record MwiPart(IReadOnlyList<MailboxId> Mailboxes, string AccountUser)
{
    public bool Covers(MailboxId id)
    {
        foreach (var m in Mailboxes)
        {
            if (m == id)
            {
                return true;
            }
        }

        return false;
    }
}
