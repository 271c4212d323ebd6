using System.Collections.Concurrent;
using Lantern.Phones;

namespace Lantern.Tests.Phones;

/// <summary>Records every NOTIFY; answers 200 at once unless told to hold answers or to fail.</summary>
internal sealed class FakeNotifySender : IMwiNotifySender
{
    private readonly ConcurrentQueue<SentNotify> _sent = new();
    private readonly ConcurrentQueue<TaskCompletionSource<NotifyOutcome>> _held = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When true, each NOTIFY waits until <see cref="Release"/> answers it.</summary>
    public bool Hold { get; set; }

    /// <summary>The answer given when not holding.</summary>
    public Func<SentNotify, NotifyOutcome> Answer { get; set; } = _ => NotifyOutcome.FromStatus(200, "OK");

    public IReadOnlyList<SentNotify> Sent => [.. _sent];

    public int HeldCount => _held.Count;

    public ValueTask<NotifyOutcome> SendInDialogAsync(SubscriptionDialog dialog, long cseq, string subscriptionState, MwiSnapshot state, CancellationToken cancellationToken) =>
        Record(new SentNotify(dialog, null, cseq, subscriptionState, state));

    public ValueTask<NotifyOutcome> SendUnsolicitedAsync(ContactBinding contact, MwiSnapshot state, CancellationToken cancellationToken) =>
        Record(new SentNotify(null, contact, 0, "terminated", state));

    /// <summary>Answers the oldest held NOTIFY; false when none is held.</summary>
    public bool Release(NotifyOutcome? outcome = null)
    {
        if (!_held.TryDequeue(out var tcs))
        {
            return false;
        }

        tcs.SetResult(outcome ?? NotifyOutcome.FromStatus(200, "OK"));
        return true;
    }

    /// <summary>Waits until at least <paramref name="count"/> NOTIFYs were sent (deadline 5 s).</summary>
    public async Task WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_sent.Count < count)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (_sent.Count >= count)
            {
                break;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"expected {count} NOTIFYs, got {_sent.Count}");
            }

            try
            {
                await changed.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"expected {count} NOTIFYs, got {_sent.Count}");
            }
        }
    }

    private ValueTask<NotifyOutcome> Record(SentNotify notify)
    {
        _sent.Enqueue(notify);
        TaskCompletionSource<NotifyOutcome>? tcs = null;
        if (Hold)
        {
            tcs = new TaskCompletionSource<NotifyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            _held.Enqueue(tcs);
        }

        lock (_gate)
        {
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return tcs is null ? ValueTask.FromResult(Answer(notify)) : new ValueTask<NotifyOutcome>(tcs.Task);
    }
}
