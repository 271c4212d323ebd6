using Lantern.Mailboxes;

namespace Lantern.Phones;

/// <summary>What a subscription or an unsolicited NOTIFY reports: one body per part (one part when aggregated or for a single mailbox).</summary>
/// <param name="EndpointId">The endpoint whose presentation settings apply; null for a trusted source naming a mailbox no endpoint has.</param>
internal sealed record MwiTarget(string? EndpointId, IReadOnlyList<MwiPart> Parts, bool OmitUrgent)
{
    public bool Covers(MailboxId id)
    {
        foreach (var p in Parts)
        {
            if (p.Covers(id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every mailbox of every part, without duplicates.</summary>
    public IReadOnlyList<MailboxId> AllMailboxes()
    {
        if (Parts.Count == 1)
        {
            return Parts[0].Mailboxes;
        }

        var all = new List<MailboxId>();
        foreach (var p in Parts)
        {
            foreach (var m in p.Mailboxes)
            {
                if (!all.Contains(m))
                {
                    all.Add(m);
                }
            }
        }

        return all;
    }
}
