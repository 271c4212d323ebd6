using System.Collections.Concurrent;

namespace Lantern.Mailboxes;

/// <summary>A non-durable repository for tests and for running without a store.</summary>
internal sealed class InMemoryMailboxRepository : IMailboxRepository
{
    private readonly ConcurrentDictionary<MailboxId, Mailbox> _rows = new();
    private readonly Dictionary<MailboxId, LinkedList<MailboxHistoryEntry>> _history = new();
    private readonly Lock _batchGate = new();

    /// <summary>Number of rows held, for tests.</summary>
    public int Count => _rows.Count;

    public ValueTask<IReadOnlyList<Mailbox>> LoadAllAsync(CancellationToken cancellationToken)
    {
        lock (_batchGate)
        {
            return ValueTask.FromResult<IReadOnlyList<Mailbox>>([.. _rows.Values]);
        }
    }

    public ValueTask<long> UpsertAsync(Mailbox mailbox, MailboxHistoryEntry history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return ApplyBatchAsync([mailbox], [], [history], cancellationToken);
    }

    public ValueTask<long> DeleteAsync(MailboxId id, MailboxHistoryEntry history, CancellationToken cancellationToken) =>
        ApplyBatchAsync([], [id], [history], cancellationToken);

    public ValueTask<long> ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        ArgumentNullException.ThrowIfNull(history);
        lock (_batchGate)
        {
            foreach (var mailbox in upserts)
            {
                _rows[mailbox.Id] = mailbox;
            }

            foreach (var id in deletes)
            {
                _rows.TryRemove(id, out _);
            }

            foreach (var entry in history)
            {
                if (!_history.TryGetValue(entry.Id, out var list))
                {
                    _history[entry.Id] = list = new LinkedList<MailboxHistoryEntry>();
                }

                list.AddFirst(entry);
                if (list.Count > MailboxHistoryEntry.Limit)
                {
                    list.RemoveLast();
                }
            }
        }

        return ValueTask.FromResult(0L);
    }

    public ValueTask<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryAsync(MailboxId id, int limit, CancellationToken cancellationToken)
    {
        lock (_batchGate)
        {
            var result = new List<MailboxHistoryEntry>();
            if (_history.TryGetValue(id, out var list))
            {
                foreach (var entry in list)
                {
                    if (result.Count >= limit)
                    {
                        break;
                    }

                    result.Add(entry);
                }
            }

            return ValueTask.FromResult<IReadOnlyList<MailboxHistoryEntry>>(result);
        }
    }
}
