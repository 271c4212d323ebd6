namespace Lantern.Sip.Transactions;

/// <summary>A timer scheduled on <see cref="SipTimerService"/>; cancel it when its owner no longer needs it.</summary>
/// <remarks>A cancelled timer stays queued until its due time, so it drops its callback: otherwise a cancelled Timer F or
/// deadline would keep its whole transaction (request bytes, closures) reachable for 64·T1 and push it into gen2.</remarks>
public sealed class SipScheduledTimer
{
    private readonly SerialExecutor? _executor;
    private Action? _callback;

    internal SipScheduledTimer(Action callback, long dueTicks, SerialExecutor? executor = null)
    {
        _callback = callback;
        DueTicks = dueTicks;
        _executor = executor;
    }

    /// <summary>UTC ticks at which it fires.</summary>
    public long DueTicks { get; }

    public bool IsCancelled => Volatile.Read(ref _callback) is null;

    public void Cancel() => Volatile.Write(ref _callback, null);

    /// <summary>Runs the callback, or posts it to its shard's executor when it was scheduled for one.</summary>
    internal void Run()
    {
        if (Interlocked.Exchange(ref _callback, null) is not { } callback)
        {
            return;
        }

        if (_executor is { } executor)
        {
            executor.TryPost(callback);
        }
        else
        {
            callback();
        }
    }
}
