namespace Lantern.Phones;

/// <summary>One timer for many deadlines (expiries, deferred NOTIFYs, start-up spreading), driven by a <see cref="TimeProvider"/>.</summary>
/// <remarks>The deadlines form a binary min-heap whose nodes know their position, so a <see cref="ScheduledDeadline"/> is moved
/// (<see cref="Set"/>) or removed (<see cref="Cancel"/>) in O(log n). Cancelling used to be lazy (the callback checked whether
/// its deadline still applied): every unsubscribe and every refresh then left an hour-long entry holding the whole subscription,
/// which grew RSS by ~1.7 KB per subscribe-refresh-unsubscribe cycle under sustained load (docs/performance.md). Fire-and-forget
/// deadlines (<see cref="Schedule(DateTimeOffset, Action)"/>) remain for short ones whose callback checks for itself.</remarks>
internal sealed class DeadlineScheduler : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private const int MinCapacity = 16;
    private ScheduledDeadline[] _heap = new ScheduledDeadline[MinCapacity];
    private int _count;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public DeadlineScheduler(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Deadlines queued (not yet due, or due and not yet taken by the timer).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> once at or after <paramref name="due"/> (on a timer thread, never inline).</summary>
    public void Schedule(DateTimeOffset due, Action action) => Schedule(due, static a => ((Action)a!)(), action);

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) once at or after <paramref name="due"/> (on a timer thread, never inline).</summary>
    public void Schedule(DateTimeOffset due, Action<object?> callback, object? state) => Set(new ScheduledDeadline(callback, state), due);

    /// <summary>Queues <paramref name="deadline"/> for <paramref name="due"/>, or moves it there when it is already queued.</summary>
    public void Set(ScheduledDeadline deadline, DateTimeOffset due)
    {
        var ticks = due.UtcTicks;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (deadline.IsQueued)
            {
                var earlier = ticks < deadline.Due;
                deadline.Due = ticks;
                if (earlier)
                {
                    SiftUp(deadline.HeapIndex);
                }
                else
                {
                    SiftDown(deadline.HeapIndex);
                }
            }
            else
            {
                deadline.Due = ticks;
                if (_count == _heap.Length)
                {
                    Array.Resize(ref _heap, _count * 2);
                }

                Place(deadline, _count++);
                SiftUp(deadline.HeapIndex);
            }

            if (ticks < _armedFor)
            {
                Arm(ticks);
            }
        }
    }

    /// <summary>Takes <paramref name="deadline"/> out of the queue; nothing when it is not queued (already fired or cancelled).</summary>
    public void Cancel(ScheduledDeadline deadline)
    {
        lock (_gate)
        {
            if (!deadline.IsQueued)
            {
                return;
            }

            RemoveAt(deadline.HeapIndex);
            // The timer stays armed for what may have been this deadline: an early wake-up finds nothing due and re-arms.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            for (var i = 0; i < _count; i++)
            {
                _heap[i].HeapIndex = -1;
            }

            Array.Clear(_heap, 0, _count);
            _count = 0;
        }

        _timer.Dispose();
    }

    private void Arm(long ticks)
    {
        _armedFor = ticks;
        var delay = TimeSpan.FromTicks(Math.Max(0, ticks - _time.GetUtcNow().UtcTicks));
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        List<ScheduledDeadline>? due = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow().UtcTicks;
            while (_count > 0 && _heap[0].Due <= now)
            {
                var head = _heap[0];
                RemoveAt(0);
                (due ??= []).Add(head);
            }

            _armedFor = long.MaxValue;
            if (_count > 0)
            {
                Arm(_heap[0].Due);
            }
        }

        if (due is null)
        {
            return;
        }

        foreach (var deadline in due)
        {
            deadline.Callback(deadline.State);
        }
    }

    private void RemoveAt(int index)
    {
        var removed = _heap[index];
        removed.HeapIndex = -1;
        var last = --_count;
        var moved = _heap[last];
        _heap[last] = null!;
        if (_heap.Length > MinCapacity && _count < _heap.Length / 4)
        {
            // Give back the array a burst grew (100,000 subscriptions gone leave 800 KB otherwise).
            Array.Resize(ref _heap, _heap.Length / 2);
        }

        if (index == last)
        {
            return;
        }

        Place(moved, index);
        if (index > 0 && moved.Due < _heap[(index - 1) / 2].Due)
        {
            SiftUp(index);
        }
        else
        {
            SiftDown(index);
        }
    }

    private void SiftUp(int index)
    {
        var node = _heap[index];
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (_heap[parent].Due <= node.Due)
            {
                break;
            }

            Place(_heap[parent], index);
            index = parent;
        }

        Place(node, index);
    }

    private void SiftDown(int index)
    {
        var node = _heap[index];
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && _heap[child + 1].Due < _heap[child].Due)
            {
                child++;
            }

            if (node.Due <= _heap[child].Due)
            {
                break;
            }

            Place(_heap[child], index);
            index = child;
        }

        Place(node, index);
    }

    private void Place(ScheduledDeadline node, int index)
    {
        _heap[index] = node;
        node.HeapIndex = index;
    }
}
