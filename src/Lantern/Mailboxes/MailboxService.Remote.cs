namespace Lantern.Mailboxes;

/// <summary>Cluster mode: following changes other nodes committed to the shared store.</summary>
internal sealed partial class MailboxService : IMailboxReplica
{
    public async ValueTask RefreshAsync(MailboxId id, long changeId, Func<MailboxId, CancellationToken, ValueTask<Mailbox?>> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        var stripe = _stripes.IndexOf(id);
        await _stripes.EnterAsync(stripe, cancellationToken).ConfigureAwait(false);
        try
        {
            // Loading under the stripe: no local write to this mailbox can commit between the read and the apply.
            var stored = await load(id, cancellationToken).ConfigureAwait(false);
            // The row may already be newer than the notified change; labelling it with that change's (smaller) id only makes
            // a resume replay more, never less.
            Follow(id, stored, Now(), changeId);
        }
        finally
        {
            _stripes.Exit(stripe);
        }
    }

    public async ValueTask ReconcileAsync(Func<CancellationToken, ValueTask<IReadOnlyList<Mailbox>>> loadAll, long changeId, CancellationToken cancellationToken)
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
            if (changeId == 0)
            {
                // Read after the rows, so every loaded state's id is at most this: differences go out under it, and a resume
                // from an earlier id (whose changes may have been missed) becomes a resync.
                changeId = await _repository.LastChangeIdAsync(cancellationToken).ConfigureAwait(false);
                _feed.Rebase(changeId);
            }

            var now = Now();
            var seen = new HashSet<MailboxId>();
            foreach (var mailbox in stored)
            {
                seen.Add(mailbox.Id);
                Follow(mailbox.Id, mailbox, now, changeId);
            }

            foreach (var id in _mailboxes.Keys)
            {
                if (!seen.Contains(id))
                {
                    Follow(id, null, now, changeId);
                }
            }
        }
        finally
        {
            _stripes.ExitMany(all.AsSpan(0, held));
        }
    }

    /// <summary>Makes memory equal the stored state, publishing a difference under <paramref name="changeId"/> (0: unknown);
    /// the caller holds the mailbox's stripe.</summary>
    private void Follow(MailboxId id, Mailbox? stored, DateTimeOffset now, long changeId)
    {
        _mailboxes.TryGetValue(id, out var current);
        if (stored is null)
        {
            if (current is not null && _mailboxes.TryRemove(id, out _))
            {
                Interlocked.Decrement(ref _count);
                _feed.Publish(MailboxChangeKind.Deleted, current, now, changeId);
            }
            else
            {
                _feed.Observe(changeId);
            }

            return;
        }

        if (stored == current)
        {
            // Already published (our own commit, or an earlier reload that saw this state): the id is still known here.
            _feed.Observe(changeId);
            return;
        }

        // Mirrors the store even beyond MaxMailboxes: the limit guards creation here, not what other nodes created.
        if (current is null)
        {
            Interlocked.Increment(ref _count);
        }

        _mailboxes[id] = stored;
        _feed.Publish(MailboxChangeKind.Updated, stored, now, changeId);
    }
}
