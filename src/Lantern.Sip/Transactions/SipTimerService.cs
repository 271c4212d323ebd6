namespace Lantern.Sip.Transactions;

/// <summary>One timer for the whole stack: an indexed min-heap of due times driven by a single <see cref="ITimer"/> from the
/// injected <see cref="TimeProvider"/>. Cancelling removes a timer from the heap (O(log n)), so the heap holds only live timers.
/// Callbacks run outside the heap's lock and must only post work to their owner.</summary>
public sealed class SipTimerService : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private SipScheduledTimer[] _heap = new SipScheduledTimer[64];
    private int _count;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public SipTimerService(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _timer = timeProvider.CreateTimer(static s => ((SipTimerService)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Least time between two firings: timers due closer together than this run together, up to this late.</summary>
    public static TimeSpan Resolution { get; } = TimeSpan.FromMilliseconds(4);

    /// <summary>Number of scheduled timers (cancelled ones are gone at once).</summary>
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

    /// <summary>The current time of the injected <see cref="TimeProvider"/>, in UTC ticks.</summary>
    internal long NowTicks => _time.GetUtcNow().UtcTicks;

    /// <summary>Runs <paramref name="callback"/> once after <paramref name="delay"/> unless cancelled first.</summary>
    public SipScheduledTimer Schedule(TimeSpan delay, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SipScheduledTimer(this, static s => ((Action)s!)(), callback, null, oneShot: true);
        Set(timer, delay);
        return timer;
    }

    /// <summary>As <see cref="Schedule(TimeSpan, Action)"/>, the callback posted to <paramref name="executor"/> when due.</summary>
    internal SipScheduledTimer Schedule(TimeSpan delay, Action callback, SerialExecutor executor)
    {
        var timer = new SipScheduledTimer(this, static s => ((Action)s!)(), callback, executor, oneShot: true);
        Set(timer, delay);
        return timer;
    }

    /// <summary>A reusable timer that runs <paramref name="callback"/>(<paramref name="state"/>) on <paramref name="executor"/>
    /// each time it falls due after <see cref="Set"/>; nothing is allocated per arming.</summary>
    internal SipScheduledTimer Create(Action<object?> callback, object state, SerialExecutor executor) =>
        new(this, callback, state, executor, oneShot: false);

    /// <summary>Arms <paramref name="timer"/> to fire after <paramref name="delay"/> (moving it if already queued).</summary>
    internal void Set(SipScheduledTimer timer, TimeSpan delay)
    {
        var due = _time.GetUtcNow().UtcTicks + Math.Max(0, delay.Ticks);
        bool rearm;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            timer.Rearmed();
            timer.DueTicks = due;
            if (timer.HeapIndex >= 0)
            {
                var at = timer.HeapIndex;
                if (!SiftUp(at))
                {
                    SiftDown(at);
                }
            }
            else
            {
                if (_count == _heap.Length)
                {
                    Array.Resize(ref _heap, _count * 2);
                }

                _heap[_count] = timer;
                timer.HeapIndex = _count;
                _count++;
                SiftUp(_count - 1);
            }

            rearm = due < _armedFor;
            if (rearm)
            {
                _armedFor = due;
            }
        }

        if (rearm)
        {
            Arm();
        }
    }

    /// <summary>Takes <paramref name="timer"/> out of the heap if it is there. The timer is not re-pointed: it fires, finds
    /// nothing due and re-arms for the new head, which costs less than a Change per cancel.</summary>
    internal void Remove(SipScheduledTimer timer)
    {
        lock (_gate)
        {
            var at = timer.HeapIndex;
            if (at < 0)
            {
                return;
            }

            RemoveAt(at);
            // A heap grown by a burst goes back once mostly empty.
            if (_heap.Length > 1024 && _count < _heap.Length / 8)
            {
                Array.Resize(ref _heap, _heap.Length / 2);
            }
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
                _heap[i] = null!;
            }

            _count = 0;
        }

        _timer.Dispose();
    }

    private void RemoveAt(int at)
    {
        var removed = _heap[at];
        removed.HeapIndex = -1;
        _count--;
        if (at == _count)
        {
            _heap[_count] = null!;
            return;
        }

        var last = _heap[_count];
        _heap[_count] = null!;
        _heap[at] = last;
        last.HeapIndex = at;
        if (!SiftUp(at))
        {
            SiftDown(at);
        }
    }

    private bool SiftUp(int at)
    {
        var item = _heap[at];
        var start = at;
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            if (_heap[parent].DueTicks <= item.DueTicks)
            {
                break;
            }

            _heap[at] = _heap[parent];
            _heap[at].HeapIndex = at;
            at = parent;
        }

        _heap[at] = item;
        item.HeapIndex = at;
        return at != start;
    }

    private void SiftDown(int at)
    {
        var item = _heap[at];
        while (true)
        {
            var child = (at << 1) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && _heap[child + 1].DueTicks < _heap[child].DueTicks)
            {
                child++;
            }

            if (_heap[child].DueTicks >= item.DueTicks)
            {
                break;
            }

            _heap[at] = _heap[child];
            _heap[at].HeapIndex = at;
            at = child;
        }

        _heap[at] = item;
        item.HeapIndex = at;
    }

    /// <summary>Points the one timer at the earliest due time. Change runs outside the lock, so a racing caller may have armed a
    /// stale value: re-check and retry until the armed value is the current one (bounded; each retry sees a newer state).</summary>
    private void Arm()
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            long target;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                target = _armedFor;
            }

            var delay = target == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(0, target - _time.GetUtcNow().UtcTicks));
            try
            {
                _timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                if (_armedFor == target)
                {
                    return;
                }
            }
        }
    }

    private void Fire()
    {
        List<SipScheduledTimer>? due = null;
        long next;
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            while (_count > 0 && _heap[0].DueTicks <= now)
            {
                var head = _heap[0];
                (due ??= []).Add(head);
                RemoveAt(0);
                head.Popped();
            }

            // Re-armed no sooner than Resolution ahead: under load a timer is due every few microseconds, and waking the
            // timer thread for each would cost more than the work. SIP timers are hundreds of milliseconds.
            next = _count > 0 ? Math.Max(_heap[0].DueTicks, now + Resolution.Ticks) : long.MaxValue;
            _armedFor = next;
        }

        if (next != long.MaxValue)
        {
            Arm();
        }

        if (due is null)
        {
            return;
        }

        foreach (var entry in due)
        {
            entry.Fire();
        }
    }
}
