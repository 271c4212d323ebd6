namespace Lantern.Sip.Transactions;

/// <summary>One timer for the whole stack: a priority queue of due times driven by a single <see cref="ITimer"/> from the
/// injected <see cref="TimeProvider"/>. Callbacks run outside the queue lock and must only post work to their owner.</summary>
public sealed class SipTimerService : IDisposable
{
    private readonly TimeProvider _time;
    private readonly PriorityQueue<SipScheduledTimer, long> _queue = new();
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
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

    /// <summary>Number of scheduled (possibly cancelled but not yet expired) timers.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>The current time of the injected <see cref="TimeProvider"/>, in UTC ticks.</summary>
    internal long NowTicks => _time.GetUtcNow().UtcTicks;

    /// <summary>Runs <paramref name="callback"/> once after <paramref name="delay"/> unless cancelled first.</summary>
    public SipScheduledTimer Schedule(TimeSpan delay, Action callback) => Schedule(delay, callback, null);

    /// <summary>As <see cref="Schedule(TimeSpan, Action)"/>, the callback posted to <paramref name="executor"/> when due (no wrapper closure).</summary>
    internal SipScheduledTimer Schedule(TimeSpan delay, Action callback, SerialExecutor? executor)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var due = _time.GetUtcNow().UtcTicks + Math.Max(0, delay.Ticks);
        var entry = new SipScheduledTimer(callback, due, executor);
        bool rearm;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(entry, due);
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

        return entry;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _queue.Clear();
        }

        _timer.Dispose();
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
            while (_queue.TryPeek(out var entry, out var at) && at <= now)
            {
                _queue.Dequeue();
                if (!entry.IsCancelled)
                {
                    (due ??= []).Add(entry);
                }
            }

            // Most timers are cancelled long before they are due (Timer E/F once the response is in): drop cancelled ones at
            // the head now rather than waking up for each of them.
            while (_queue.TryPeek(out var head, out _) && head.IsCancelled)
            {
                _queue.Dequeue();
            }

            // Re-armed no sooner than Resolution ahead: under load a timer is due every few microseconds, and waking the
            // timer thread for each would cost more than the work. SIP timers are hundreds of milliseconds.
            next = _queue.TryPeek(out _, out var nextAt) ? Math.Max(nextAt, now + Resolution.Ticks) : long.MaxValue;
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
            entry.Run();
        }
    }
}
