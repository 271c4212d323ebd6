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
    /// <returns>The change id the commit drew from a shared store (the SSE id on every node), or 0 when the store draws none.</returns>
    ValueTask<long> UpsertAsync(Mailbox mailbox, MailboxHistoryEntry history, CancellationToken cancellationToken);

    /// <summary>Deletes one mailbox and appends <paramref name="history"/>; deleting a missing one is not an error.</summary>
    /// <returns>As for <see cref="UpsertAsync"/>.</returns>
    ValueTask<long> DeleteAsync(MailboxId id, MailboxHistoryEntry history, CancellationToken cancellationToken);

    /// <summary>Applies every upsert and delete and appends every history entry in one transaction: all or nothing.</summary>
    /// <remarks>Each mailbox keeps only its last <see cref="MailboxHistoryEntry.Limit"/> entries; older ones go in the same transaction.</remarks>
    /// <returns>As for <see cref="UpsertAsync"/>: one id for the whole transaction.</returns>
    ValueTask<long> ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken);

    /// <summary>The newest change id a shared store has drawn so far (0 when it draws none): changes up to it may have been
    /// committed before this node listened.</summary>
    ValueTask<long> LastChangeIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    /// <summary>A mailbox's kept history, newest first, at most <paramref name="limit"/> entries.</summary>
    ValueTask<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryAsync(MailboxId id, int limit, CancellationToken cancellationToken);
}
