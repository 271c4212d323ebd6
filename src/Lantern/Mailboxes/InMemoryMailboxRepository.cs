using System.Collections.Concurrent;

namespace Lantern.Mailboxes;

/// <summary>A non-durable repository for tests and for running without a store.</summary>
internal sealed class InMemoryMailboxRepository : IMailboxRepository
{
    private readonly ConcurrentDictionary<MailboxId, Mailbox> _rows = new();
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

    public ValueTask UpsertAsync(Mailbox mailbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        _rows[mailbox.Id] = mailbox;
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(MailboxId id, CancellationToken cancellationToken)
    {
        _rows.TryRemove(id, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
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
        }

        return ValueTask.CompletedTask;
    }
}
