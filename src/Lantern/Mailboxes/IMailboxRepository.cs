namespace Lantern.Mailboxes;

/// <summary>The port to durable mailbox storage; every method returns only once its write is committed.</summary>
/// <remarks>Callers serialise writes per mailbox; an implementation must be safe for concurrent calls on different mailboxes.</remarks>
internal interface IMailboxRepository
{
    /// <summary>Every stored mailbox, in no particular order.</summary>
    ValueTask<IReadOnlyList<Mailbox>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>True when other nodes write the same rows, so memory may lag the store and a write must be decided on the stored row.</summary>
    bool IsShared => false;

    /// <summary>One stored mailbox, or null.</summary>
    async ValueTask<Mailbox?> LoadOneAsync(MailboxId id, CancellationToken cancellationToken)
    {
        foreach (var mailbox in await LoadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (mailbox.Id == id)
            {
                return mailbox;
            }
        }

        return null;
    }

    /// <summary>Inserts or replaces one mailbox and appends <paramref name="history"/> in the same transaction; a shared store throws
    /// <see cref="MailboxConflictException"/> when the stored version is not the one before <see cref="Mailbox.Version"/>.</summary>
    ValueTask UpsertAsync(Mailbox mailbox, MailboxHistoryEntry history, CancellationToken cancellationToken);

    /// <summary>Deletes one mailbox and appends <paramref name="history"/>; deleting a missing one is not an error.</summary>
    ValueTask DeleteAsync(MailboxId id, MailboxHistoryEntry history, CancellationToken cancellationToken);

    /// <summary>Applies every upsert and delete and appends every history entry in one transaction: all or nothing.</summary>
    /// <remarks>Each mailbox keeps only its last <see cref="MailboxHistoryEntry.Limit"/> entries; older ones go in the same transaction.</remarks>
    ValueTask ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken);

    /// <summary>A mailbox's kept history, newest first, at most <paramref name="limit"/> entries.</summary>
    ValueTask<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryAsync(MailboxId id, int limit, CancellationToken cancellationToken);
}
