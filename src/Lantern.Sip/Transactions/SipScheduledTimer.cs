namespace Lantern.Sip.Transactions;

/// <summary>A timer scheduled on <see cref="SipTimerService"/>; cancel it when its owner no longer needs it.</summary>
public sealed class SipScheduledTimer
{
    private readonly Action _callback;
    private volatile bool _cancelled;

    internal SipScheduledTimer(Action callback, long dueTicks)
    {
        _callback = callback;
        DueTicks = dueTicks;
    }

    /// <summary>UTC ticks at which it fires.</summary>
    public long DueTicks { get; }

    public bool IsCancelled => _cancelled;

    public void Cancel() => _cancelled = true;

    internal void Run()
    {
        if (!_cancelled)
        {
            _cancelled = true;
            _callback();
        }
    }
}
