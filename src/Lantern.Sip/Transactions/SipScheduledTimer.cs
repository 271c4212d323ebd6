namespace Lantern.Sip.Transactions;

/// <summary>A timer scheduled on <see cref="SipTimerService"/>; cancel it when its owner no longer needs it.</summary>
/// <remarks>Cancelling takes it out of the service's heap at once, so a cancelled Timer F or deadline does not keep its
/// transaction reachable for 64·T1. Transactions own reusable timers (<see cref="SipTimerService.Set"/>): a timer that already
/// fired may still have its run queued on the shard after a cancel, so callbacks check their owner's state, and a pooled owner
/// is reused only once <see cref="Pending"/> is 0.</remarks>
public sealed class SipScheduledTimer : ISipShardWork
{
    private readonly SipTimerService _service;
    private readonly Action<object?> _callback;
    private readonly SerialExecutor? _executor;
    private readonly bool _oneShot;
    private object? _state;
    private int _pending;
    private volatile bool _cancelled;

    internal SipScheduledTimer(SipTimerService service, Action<object?> callback, object? state, SerialExecutor? executor, bool oneShot)
    {
        _service = service;
        _callback = callback;
        _state = state;
        _executor = executor;
        _oneShot = oneShot;
    }

    /// <summary>UTC ticks at which it fires (last set).</summary>
    public long DueTicks { get; internal set; }

    public bool IsCancelled => _cancelled;

    /// <summary>Where it sits in the service's heap (-1: not queued). Guarded by the service's lock.</summary>
    internal int HeapIndex { get; set; } = -1;

    /// <summary>Runs that fired and are queued on the shard but have not run yet.</summary>
    internal int Pending => Volatile.Read(ref _pending);

    /// <summary>Takes it out of the queue. A one-shot timer also lets go of its callback's state.</summary>
    public void Cancel()
    {
        _cancelled = true;
        _service.Remove(this);
        if (_oneShot)
        {
            Volatile.Write(ref _state, null);
        }
    }

    /// <summary>Armed again (by <see cref="SipTimerService.Set"/>).</summary>
    internal void Rearmed() => _cancelled = false;

    /// <summary>Taken off the heap as due (under the service's lock): from now on a run is pending, so an owner that cancels
    /// on its shard after this sees <see cref="Pending"/> above 0 and waits for that run before it lets itself be reused.</summary>
    internal void Popped()
    {
        if (_executor is not null)
        {
            Interlocked.Increment(ref _pending);
        }
    }

    /// <summary>Called by the service after <see cref="Popped"/> (outside its lock): runs the callback, or posts itself to its
    /// shard's executor.</summary>
    internal void Fire()
    {
        if (_executor is { } executor)
        {
            executor.TryPost(this);
            return;
        }

        Invoke();
    }

    void ISipShardWork.RunOnShard()
    {
        Interlocked.Decrement(ref _pending);
        Invoke();
    }

    private void Invoke()
    {
        if (_oneShot)
        {
            // A one-shot timer runs once and holds nothing afterwards.
            if (Interlocked.Exchange(ref _state, null) is { } once)
            {
                _callback(once);
            }

            return;
        }

        _callback(_state);
    }
}
