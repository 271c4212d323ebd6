namespace Lantern.Mailboxes;

/// <summary>The one way to read and write mailbox state; every write is committed to the store before it returns.</summary>
public interface IMailboxService
{
    /// <summary>The change feed every sink (notifier, AMI, SSE, cluster) consumes.</summary>
    IMailboxChangeFeed Changes { get; }

    /// <summary>Who is writing in the current async flow, recorded in the history; the API and AMI set it.</summary>
    MailboxActorContext Actors { get; }

    /// <summary>The committed state of one mailbox, or null when it does not exist.</summary>
    Mailbox? Find(MailboxId id);

    /// <summary>Mailboxes matching <paramref name="query"/>, ordered by id (ordinal), at most <see cref="MailboxQuery.Limit"/>.</summary>
    IReadOnlyList<Mailbox> List(MailboxQuery query);

    /// <summary>Applies one update; creates the mailbox (owned by the writer) when missing and the update allows it.</summary>
    ValueTask<MailboxWriteResult> UpdateAsync(MailboxId id, MailboxSource source, MailboxUpdate update, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Marks a mailbox's publication as lapsed (or not), keeping its counts.</summary>
    ValueTask<MailboxWriteResult> SetPublicationLapsedAsync(MailboxId id, MailboxSource source, bool lapsed, CancellationToken cancellationToken);

    /// <summary>Deletes one mailbox; refused when another source owns it.</summary>
    ValueTask<MailboxWriteResult> DeleteAsync(MailboxId id, MailboxSource source, CancellationToken cancellationToken);

    /// <summary>Deletes every mailbox whose id matches and that <paramref name="source"/> may write; returns how many.</summary>
    ValueTask<int> DeleteWhereAsync(Func<MailboxId, bool> match, MailboxSource source, CancellationToken cancellationToken);

    /// <summary>The mailbox's last <see cref="MailboxHistoryEntry.Limit"/> committed changes, newest first (also after it was deleted).</summary>
    ValueTask<IReadOnlyList<MailboxHistoryEntry>> HistoryAsync(MailboxId id, CancellationToken cancellationToken);

    /// <summary>Applies all items in one transaction, or none: the result lists every bad item.</summary>
    ValueTask<MailboxBatchResult> UpdateBatchAsync(IReadOnlyList<MailboxBatchItem> items, MailboxSource source, CancellationToken cancellationToken);
}
