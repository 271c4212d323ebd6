namespace Lantern.Mailboxes;

/// <summary>A coalescing reader: at most one pending change per mailbox (the newest), in the order mailboxes first became dirty.</summary>
/// <remarks>Memory is bounded by the number of distinct mailboxes; a slow reader never blocks the writer.</remarks>
internal sealed class MailboxChangeReader : IMailboxChangeReader
{
    private readonly MailboxChangeFeed _feed;
    private readonly Lock _gate = new();
    private readonly Dictionary<MailboxId, MailboxChange> _pending = [];
    private readonly Queue<MailboxId> _order = new();
    private readonly CancellationTokenSource _overflowed = new();
    private readonly int _maxPending;
    private TaskCompletionSource? _waiter;
    private bool _disposed;
    private bool _overflow;

    /// <param name="maxPending">Distinct mailboxes that may wait unread; beyond it the reader overflows. Zero or less: no bound.</param>
    public MailboxChangeReader(MailboxChangeFeed feed, int maxPending = 0)
    {
        _feed = feed;
        _maxPending = maxPending;
    }

    public CancellationToken Overflowed => _overflowed.Token;

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
                if (_overflow)
                {
                    throw new OperationCanceledException("the reader's backlog passed its bound", _overflowed.Token);
                }

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
        bool overflowed;
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

            overflowed = _maxPending > 0 && _pending.Count > _maxPending;
            if (overflowed)
            {
                // The backlog goes at once: the consumer learns through Overflowed and resumes from the replay window.
                _disposed = true;
                _overflow = true;
                _pending.Clear();
                _order.Clear();
            }

            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
        if (overflowed)
        {
            // Cancel callbacks run on the thread pool: the feed lock held by the publisher must not run them.
            ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _overflowed, preferLocal: false);
        }
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
