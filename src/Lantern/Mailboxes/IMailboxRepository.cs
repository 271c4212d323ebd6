namespace Lantern.Mailboxes;

/// <summary>The port to durable mailbox storage; every method returns only once its write is committed.</summary>
/// <remarks>Callers serialise writes per mailbox; an implementation must be safe for concurrent calls on different mailboxes.</remarks>
internal interface IMailboxRepository
{
    /// <summary>Every stored mailbox, in no particular order.</summary>
    ValueTask<IReadOnlyList<Mailbox>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces one mailbox.</summary>
    ValueTask UpsertAsync(Mailbox mailbox, CancellationToken cancellationToken);

    /// <summary>Deletes one mailbox; deleting a missing one is not an error.</summary>
    ValueTask DeleteAsync(MailboxId id, CancellationToken cancellationToken);

    /// <summary>Applies every upsert and delete in one transaction: all or nothing.</summary>
    ValueTask ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, CancellationToken cancellationToken);
}
