namespace Lantern.Mailboxes;

/// <summary>Takes in changes other nodes committed to a shared store (cluster mode), so this node's memory and feed follow the store.</summary>
internal interface IMailboxReplica
{
    /// <summary>Reloads one mailbox with <paramref name="load"/> (null: it no longer exists) under its serial owner, and publishes
    /// any difference under <paramref name="changeId"/>, the id the notified commit drew.</summary>
    ValueTask RefreshAsync(MailboxId id, long changeId, Func<MailboxId, CancellationToken, ValueTask<Mailbox?>> load, CancellationToken cancellationToken);

    /// <summary>Reloads everything and publishes every difference: after a commit too large to name its mailboxes
    /// (<paramref name="changeId"/> its id), or with <paramref name="changeId"/> 0 after missed notifications or a reconnect,
    /// when changes up to the store's newest id may have been missed.</summary>
    ValueTask ReconcileAsync(Func<CancellationToken, ValueTask<IReadOnlyList<Mailbox>>> loadAll, long changeId, CancellationToken cancellationToken);
}
