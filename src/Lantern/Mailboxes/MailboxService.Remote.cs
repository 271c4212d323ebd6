namespace Lantern.Mailboxes;

/// <summary>Cluster mode: following changes other nodes committed to the shared store.</summary>
internal sealed partial class MailboxService : IMailboxReplica
{
    public async ValueTask RefreshAsync(MailboxId id, Func<MailboxId, CancellationToken, ValueTask<Mailbox?>> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        var stripe = _stripes.IndexOf(id);
        await _stripes.EnterAsync(stripe, cancellationToken).ConfigureAwait(false);
        try
        {
            // Loading under the stripe: no local write to this mailbox can commit between the read and the apply.
            var stored = await load(id, cancellationToken).ConfigureAwait(false);
            Follow(id, stored, Now());
        }
        finally
        {
            _stripes.Exit(stripe);
        }
    }

    public async ValueTask ReconcileAsync(Func<CancellationToken, ValueTask<IReadOnlyList<Mailbox>>> loadAll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loadAll);
        var all = new int[_stripes.Count];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        var held = 0;
        try
        {
            for (; held < all.Length; held++)
            {
                await _stripes.EnterAsync(held, cancellationToken).ConfigureAwait(false);
            }

            var stored = await loadAll(cancellationToken).ConfigureAwait(false);
            var now = Now();
            var seen = new HashSet<MailboxId>();
            foreach (var mailbox in stored)
            {
                seen.Add(mailbox.Id);
                Follow(mailbox.Id, mailbox, now);
            }

            foreach (var id in _mailboxes.Keys)
            {
                if (!seen.Contains(id))
                {
                    Follow(id, null, now);
                }
            }
        }
        finally
        {
            _stripes.ExitMany(all.AsSpan(0, held));
        }
    }

    /// <summary>Makes memory equal the stored state; the caller holds the mailbox's stripe.</summary>
    private void Follow(MailboxId id, Mailbox? stored, DateTimeOffset now)
    {
        _mailboxes.TryGetValue(id, out var current);
        if (stored is null)
        {
            if (current is not null && _mailboxes.TryRemove(id, out _))
            {
                Interlocked.Decrement(ref _count);
                _feed.Publish(MailboxChangeKind.Deleted, current, now);
            }

            return;
        }

        if (stored == current)
        {
            return;
        }

        // Mirrors the store even beyond MaxMailboxes: the limit guards creation here, not what other nodes created.
        if (current is null)
        {
            Interlocked.Increment(ref _count);
        }

        _mailboxes[id] = stored;
        _feed.Publish(MailboxChangeKind.Updated, stored, now);
    }
}
