namespace Lantern.Mailboxes;

/// <summary>Reads of the committed state: filtered, cursor-paged listing.</summary>
internal sealed partial class MailboxService
{
    public IReadOnlyList<Mailbox> List(MailboxQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return [];
        }

        // Keep only the first Limit ids: a max-heap of size Limit makes a page O(n log limit), not a full sort.
        var comparer = MailboxIdOrdinalComparer.Instance;
        var heap = new PriorityQueue<Mailbox, MailboxId>(Comparer<MailboxId>.Create((a, b) => comparer.Compare(b, a)));
        foreach (var (id, mailbox) in _mailboxes)
        {
            if (!Matches(id, mailbox, query))
            {
                continue;
            }

            if (heap.Count < query.Limit)
            {
                heap.Enqueue(mailbox, id);
            }
            else if (heap.TryPeek(out _, out var largest) && comparer.Compare(id, largest) < 0)
            {
                heap.EnqueueDequeue(mailbox, id);
            }
        }

        var result = new Mailbox[heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = heap.Dequeue();
        }

        return result;
    }

    private static bool Matches(MailboxId id, Mailbox mailbox, MailboxQuery query)
    {
        if (query.Context is not null && !string.Equals(id.Context, query.Context, StringComparison.Ordinal))
        {
            return false;
        }

        if (query.Prefix is not null && !MailboxIdOrdinalComparer.StartsWith(id, query.Prefix))
        {
            return false;
        }

        if (query.Waiting is { } waiting && mailbox.Waiting != waiting)
        {
            return false;
        }

        if (query.Source is { } source && mailbox.Source != source)
        {
            return false;
        }

        if (query.After is not null && MailboxIdOrdinalComparer.CompareToText(id, query.After) <= 0)
        {
            return false;
        }

        return query.Match is null || query.Match(id);
    }
}
