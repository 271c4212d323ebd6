namespace Lantern.Phones;

/// <summary>One timer for many deadlines (expiries, deferred NOTIFYs, start-up spreading), driven by a <see cref="TimeProvider"/>.
/// Cancelling is lazy: the callback checks whether its deadline still applies. The state overload lets a caller with many
/// deadlines (one per subscription) pass a cached callback and its object instead of a closure and a delegate per deadline.</summary>
internal sealed class DeadlineScheduler : IDisposable
{
    private readonly TimeProvider _time;
    private readonly PriorityQueue<(Action<object?> Callback, object? State), long> _queue = new();
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public DeadlineScheduler(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

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

    /// <summary>Runs <paramref name="action"/> once at or after <paramref name="due"/> (on a timer thread, never inline).</summary>
    public void Schedule(DateTimeOffset due, Action action) => Schedule(due, static a => ((Action)a!)(), action);

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) once at or after <paramref name="due"/> (on a timer thread, never inline).</summary>
    public void Schedule(DateTimeOffset due, Action<object?> callback, object? state)
    {
        var ticks = due.UtcTicks;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _queue.Enqueue((callback, state), ticks);
            if (ticks < _armedFor)
            {
                Arm(ticks);
            }
        }
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

    private void Arm(long ticks)
    {
        _armedFor = ticks;
        var delay = TimeSpan.FromTicks(Math.Max(0, ticks - _time.GetUtcNow().UtcTicks));
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        var due = new List<(Action<object?> Callback, object? State)>();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow().UtcTicks;
            while (_queue.TryPeek(out var entry, out var ticks) && ticks <= now)
            {
                _queue.Dequeue();
                due.Add(entry);
            }

            _armedFor = long.MaxValue;
            if (_queue.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }

        foreach (var (callback, state) in due)
        {
            callback(state);
        }
    }
}
