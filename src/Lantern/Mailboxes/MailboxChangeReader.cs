namespace Lantern.Mailboxes;

/// <summary>A coalescing reader: at most one pending change per mailbox (the newest), in the order mailboxes first became dirty.</summary>
/// <remarks>Memory is bounded by the number of distinct mailboxes; a slow reader never blocks the writer.</remarks>
internal sealed class MailboxChangeReader : IMailboxChangeReader
{
    private readonly MailboxChangeFeed _feed;
    private readonly Lock _gate = new();
    private readonly Dictionary<MailboxId, MailboxChange> _pending = [];
    private readonly Queue<MailboxId> _order = new();
    private TaskCompletionSource? _waiter;
    private bool _disposed;

    public MailboxChangeReader(MailboxChangeFeed feed)
    {
        _feed = feed;
    }

    /// <summary>Changes waiting to be read (distinct mailboxes).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public bool TryRead(out MailboxChange change)
    {
        lock (_gate)
        {
            return TryTake(out change);
        }
    }

    public async ValueTask<MailboxChange> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (TryTake(out var change))
                {
                    return change;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _feed.Remove(this);
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _disposed = true;
            _pending.Clear();
            _order.Clear();
            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>Called by the feed, in sequence order, never while the reader's lock is held elsewhere for long.</summary>
    internal void Offer(MailboxChange change)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var id = change.Mailbox.Id;
            if (!_pending.TryAdd(id, change))
            {
                _pending[id] = change;
            }
            else
            {
                _order.Enqueue(id);
            }

            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
    }

    private bool TryTake(out MailboxChange change)
    {
        if (_order.TryDequeue(out var id))
        {
            _pending.Remove(id, out change!);
            return true;
        }

        change = null!;
        return false;
    }
}
