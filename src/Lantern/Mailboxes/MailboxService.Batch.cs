namespace Lantern.Mailboxes;

/// <summary>Writes touching many mailboxes: atomic batches and deletion by predicate.</summary>
internal sealed partial class MailboxService
{
    /// <summary>Index used in <see cref="MailboxBatchError"/> for a problem of the whole batch rather than one item.</summary>
    public const int WholeBatchIndex = -1;

    public async ValueTask<MailboxBatchResult> UpdateBatchAsync(IReadOnlyList<MailboxBatchItem> items, MailboxSource source, CancellationToken cancellationToken) =>
        _metrics.Batch(await UpdateBatchCoreAsync(items, source, cancellationToken).ConfigureAwait(false));

    private async ValueTask<MailboxBatchResult> UpdateBatchCoreAsync(IReadOnlyList<MailboxBatchItem> items, MailboxSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count > _options.MaxBatchItems)
        {
            return Refused(MailboxWriteStatus.Invalid, $"the batch has {items.Count} items; at most {_options.MaxBatchItems} are allowed");
        }

        if (!_loaded)
        {
            return Refused(MailboxWriteStatus.Unavailable, "the mailbox store is not loaded yet; nothing was written");
        }

        if (items.Count == 0)
        {
            return new MailboxBatchResult(true, 0, []);
        }

        var ids = new List<MailboxId>(items.Count);
        foreach (var item in items)
        {
            if (item?.Update is null || item.Id.Mailbox is null)
            {
                return Refused(MailboxWriteStatus.Invalid, "the batch has an item without an id or an update");
            }

            ids.Add(item.Id);
        }

        var held = await _stripes.EnterManyAsync(ids, cancellationToken).ConfigureAwait(false);
        try
        {
            // As for one write (see WriteLockedAsync): with a shared store nothing is refused or skipped on memory alone,
            // and a batch that lost the compare-and-set is recomputed on the re-read rows.
            var fresh = !_repository.IsShared;
            for (var attempt = 1; ; attempt++)
            {
                if (await ApplyBatchLockedAsync(items, source, fresh).ConfigureAwait(false) is { } result)
                {
                    return result;
                }

                if (attempt >= MaxCommitAttempts)
                {
                    return Refused(MailboxWriteStatus.VersionMismatch, "a mailbox of the batch was changed on another node at the same time; nothing was written, retry");
                }

                await BackOffAsync(attempt).ConfigureAwait(false);

                foreach (var id in ids)
                {
                    if (await RefreshLockedAsync(id).ConfigureAwait(false) is { } failed)
                    {
                        return Refused(failed.Status, failed.Error);
                    }
                }

                fresh = true;
            }
        }
        finally
        {
            _stripes.ExitMany(held);
        }
    }

    /// <remarks>Only mailboxes owned by <paramref name="source"/> are candidates: <c>api</c> deletes only api-owned mailboxes,
    /// a peer or upstream only its own. <paramref name="match"/> runs before any lock is taken.</remarks>
    public async ValueTask<int> DeleteWhereAsync(Func<MailboxId, bool> match, MailboxSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        if (!_loaded)
        {
            throw new MailboxUnavailableException("the mailbox store is not loaded yet; nothing was deleted");
        }

        var candidates = new List<MailboxId>();
        foreach (var (id, mailbox) in _mailboxes)
        {
            if (mailbox.Source == source && match(id))
            {
                candidates.Add(id);
            }
        }

        if (candidates.Count == 0)
        {
            return 0;
        }

        var held = await _stripes.EnterManyAsync(candidates, cancellationToken).ConfigureAwait(false);
        try
        {
            // Re-check under the stripes: a candidate may have been deleted or re-created by someone else meanwhile.
            var doomed = new List<Mailbox>(candidates.Count);
            var deletes = new List<MailboxId>(candidates.Count);
            foreach (var id in candidates)
            {
                if (_mailboxes.TryGetValue(id, out var mailbox) && mailbox.Source == source)
                {
                    doomed.Add(mailbox);
                    deletes.Add(id);
                }
            }

            if (deletes.Count == 0)
            {
                return 0;
            }

            long changeId;
            try
            {
                var deletedAt = Now();
                var history = new List<MailboxHistoryEntry>(doomed.Count);
                foreach (var mailbox in doomed)
                {
                    history.Add(Deleted(mailbox, source, deletedAt));
                }

                changeId = await _repository.ApplyBatchAsync([], deletes, history, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new MailboxUnavailableException("the mailbox store is unavailable; nothing was deleted", ex);
            }

            var now = Now();
            foreach (var mailbox in doomed)
            {
                _mailboxes.TryRemove(mailbox.Id, out _);
                Interlocked.Decrement(ref _count);
                _feed.Publish(MailboxChangeKind.Deleted, mailbox, now, changeId);
            }

            return doomed.Count;
        }
        finally
        {
            _stripes.ExitMany(held);
        }
    }

    /// <summary>Null when the answer came from memory that may be stale (<paramref name="fresh"/> false) or another node won the commit.</summary>
    private async ValueTask<MailboxBatchResult?> ApplyBatchLockedAsync(IReadOnlyList<MailboxBatchItem> items, MailboxSource source, bool fresh)
    {
        // Validate every item against the running state (an id may appear twice), collecting every error.
        var working = new Dictionary<MailboxId, MailboxCounts>();
        var order = new List<MailboxId>();
        var errors = new List<MailboxBatchError>();
        for (var i = 0; i < items.Count; i++)
        {
            var (id, update) = (items[i].Id, items[i].Update);
            _mailboxes.TryGetValue(id, out var current);
            if (current is not null && current.Source != source)
            {
                errors.Add(new MailboxBatchError(i, MailboxWriteStatus.OwnedByOther, $"mailbox {id} is owned by {current.Source}"));
                continue;
            }

            if (!working.TryGetValue(id, out var counts))
            {
                counts = current?.Counts ?? MailboxCounts.Empty;
                order.Add(id);
            }

            if (!update.TryApply(counts, out var next, out var error))
            {
                errors.Add(new MailboxBatchError(i, MailboxWriteStatus.Invalid, $"mailbox {id}: {error}"));
                continue;
            }

            working[id] = next;
        }

        if (errors.Count > 0)
        {
            return fresh ? new MailboxBatchResult(false, 0, errors) : null;
        }

        var now = Now();
        var upserts = new List<Mailbox>();
        var history = new List<MailboxHistoryEntry>();
        var created = 0;
        foreach (var id in order)
        {
            var next = working[id];
            _mailboxes.TryGetValue(id, out var current);
            if (current is null)
            {
                created++;
                upserts.Add(new Mailbox(id, next, 1, source, now));
                history.Add(Changed(upserts[^1], null, source));
            }
            else if (next != current.Counts)
            {
                upserts.Add(current with { Counts = next, Version = current.Version + 1, UpdatedAt = now });
                history.Add(Changed(upserts[^1], current, source));
            }
        }

        if (upserts.Count == 0)
        {
            return fresh ? new MailboxBatchResult(true, 0, []) : null;
        }

        if (Interlocked.Add(ref _count, created) > _options.MaxMailboxes && created > 0)
        {
            Interlocked.Add(ref _count, -created);
            return Refused(MailboxWriteStatus.Unavailable, $"the batch would exceed the mailbox limit ({_options.MaxMailboxes}); nothing was written");
        }

        long changeId;
        try
        {
            changeId = await _repository.ApplyBatchAsync(upserts, [], history, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.Add(ref _count, -created);
            return ex is MailboxConflictException ? null : Refused(MailboxWriteStatus.Unavailable, "the mailbox store is unavailable; nothing was written");
        }

        foreach (var mailbox in upserts)
        {
            _mailboxes[mailbox.Id] = mailbox;
            _feed.Publish(MailboxChangeKind.Updated, mailbox, now, changeId);
        }

        return new MailboxBatchResult(true, upserts.Count, []);
    }

    private static MailboxBatchResult Refused(MailboxWriteStatus status, string error) =>
        new(false, 0, [new MailboxBatchError(WholeBatchIndex, status, error)]);
}
