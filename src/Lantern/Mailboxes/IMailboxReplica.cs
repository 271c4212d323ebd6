namespace Lantern.Mailboxes;

/// <summary>Takes in changes other nodes committed to a shared store (cluster mode), so this node's memory and feed follow the store.</summary>
internal interface IMailboxReplica
{
    /// <summary>Reloads one mailbox with <paramref name="load"/> (null: it no longer exists) under its serial owner, and publishes any difference.</summary>
    ValueTask RefreshAsync(MailboxId id, Func<MailboxId, CancellationToken, ValueTask<Mailbox?>> load, CancellationToken cancellationToken);

    /// <summary>Reloads everything (after a missed notification or a reconnect) and publishes every difference.</summary>
    ValueTask ReconcileAsync(Func<CancellationToken, ValueTask<IReadOnlyList<Mailbox>>> loadAll, CancellationToken cancellationToken);
}
