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

    /// <summary>Inserts or replaces one mailbox; a shared store throws <see cref="MailboxConflictException"/> when the stored version is not the one before <see cref="Mailbox.Version"/>.</summary>
    ValueTask UpsertAsync(Mailbox mailbox, CancellationToken cancellationToken);

    /// <summary>Deletes one mailbox; deleting a missing one is not an error.</summary>
    ValueTask DeleteAsync(MailboxId id, CancellationToken cancellationToken);

    /// <summary>Applies every upsert and delete in one transaction: all or nothing.</summary>
    ValueTask ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, CancellationToken cancellationToken);
}
