namespace Lantern.Phones;

/// <summary>A deadline a <see cref="DeadlineScheduler"/> can move or cancel: an owner with a long deadline (a subscription's
/// expiry, an hour) keeps one and reuses it, so ended or refreshed owners leave nothing queued behind them.</summary>
internal sealed class ScheduledDeadline
{
    public ScheduledDeadline(Action<object?> callback, object? state)
    {
        Callback = callback;
        State = state;
    }

    public Action<object?> Callback { get; }

    public object? State { get; }

    /// <summary>UTC ticks when due; meaningful only while queued.</summary>
    internal long Due { get; set; }

    /// <summary>Position in the scheduler's heap, -1 when not queued. Changed only under the scheduler's lock.</summary>
    internal int HeapIndex { get; set; } = -1;

    public bool IsQueued => HeapIndex >= 0;
}
