namespace Lantern.Sip.Transactions;

/// <summary>Entries that all linger the same time after they are added (Timer J, Timer K), so they expire in the order they
/// came: a FIFO swept by one timer at a time instead of a timer and two closures per transaction. Only touched on its shard.</summary>
/// <remarks>Sweeps are batched: after the first expiry the next sweep waits at least 1/256 of the lifetime, so an entry may
/// linger up to that much longer (RFC 3261 timers J and K are minimum lifetimes for absorbing retransmissions).</remarks>
internal sealed class SipLingerQueue<T>(SipTransactionShard shard, Action<T> expire)
{
    private readonly Queue<(T Item, long Due)> _queue = new();
    private bool _sweepScheduled;
    private TimeSpan _lifetime;
    private SipTransactionContext? _context;
    private SipScheduledTimer? _sweep;

    public int Count => _queue.Count;

    /// <summary>Expires <paramref name="item"/> after <paramref name="lifetime"/> (the same for every item of this queue); returns
    /// its due time (UTC ticks).</summary>
    public long Add(T item, SipTransactionContext context, TimeSpan lifetime)
    {
        _context = context;
        _lifetime = lifetime;
        var due = context.Timers.NowTicks + lifetime.Ticks;
        _queue.Enqueue((item, due));
        if (!_sweepScheduled)
        {
            _sweepScheduled = true;
            _sweep ??= context.Timers.Create(static s => ((SipLingerQueue<T>)s!).Sweep(), this, shard.Executor);
            context.Timers.Set(_sweep, lifetime);
        }

        return due;
    }

    private void Sweep()
    {
        var context = _context!;
        var now = context.Timers.NowTicks;
        while (_queue.TryPeek(out var head) && head.Due <= now)
        {
            _queue.Dequeue();
            expire(head.Item);
        }

        if (_queue.TryPeek(out var next))
        {
            var delay = Math.Max(next.Due - now, _lifetime.Ticks / 256);
            context.Timers.Set(_sweep!, TimeSpan.FromTicks(delay));
            return;
        }

        _sweepScheduled = false;
        // The queue grew to the peak number of lingering transactions; give that back once idle.
        _queue.TrimExcess();
    }
}
