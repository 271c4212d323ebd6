using Lantern.Sip.Transactions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Sip.Tests.Transactions;

public sealed class SipTimerServiceTests
{
    [Fact]
    public void Schedule_FiresInDueOrderAtExactInstants()
    {
        var time = new FakeTimeProvider();
        using var timers = new SipTimerService(time);
        var start = time.GetUtcNow();
        var fired = new List<(string Name, TimeSpan At)>();
        timers.Schedule(TimeSpan.FromSeconds(3), () => fired.Add(("c", time.GetUtcNow() - start)));
        timers.Schedule(TimeSpan.FromSeconds(1), () => fired.Add(("a", time.GetUtcNow() - start)));
        var cancelled = timers.Schedule(TimeSpan.FromSeconds(2), () => fired.Add(("x", time.GetUtcNow() - start)));
        timers.Schedule(TimeSpan.FromSeconds(2), () => fired.Add(("b", time.GetUtcNow() - start)));
        cancelled.Cancel();
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal([("a", TimeSpan.FromSeconds(1)), ("b", TimeSpan.FromSeconds(2)), ("c", TimeSpan.FromSeconds(3))], fired);
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void Cancel_LetsGoOfCallbackBeforeDueTime()
    {
        var time = new FakeTimeProvider();
        using var timers = new SipTimerService(time);
        var (timer, owner) = ScheduleOwned(timers);
        timer.Cancel();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        Assert.True(timer.IsCancelled);
        // Out of the queue at once (issue 13): it does not linger until its due time.
        Assert.Equal(0, timers.Count);
        Assert.False(owner.TryGetTarget(out _), "a cancelled timer still holds its callback's target");
        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void Schedule_FromCallback_Fires()
    {
        var time = new FakeTimeProvider();
        using var timers = new SipTimerService(time);
        var count = 0;
        void Tick()
        {
            if (++count < 5)
            {
                timers.Schedule(TimeSpan.FromMilliseconds(500), Tick);
            }
        }

        timers.Schedule(TimeSpan.FromMilliseconds(500), Tick);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(5, count);
    }

    [Fact]
    public async Task Schedule_SystemClock_ManyConcurrentTimersAllFire()
    {
        using var timers = new SipTimerService(TimeProvider.System);
        const int count = 200;
        var remaining = count;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Parallel.ForAsync(0, count, (i, _) =>
        {
            timers.Schedule(TimeSpan.FromMilliseconds(i % 20), () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    done.SetResult();
                }
            });
            return ValueTask.CompletedTask;
        });
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, remaining);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (SipScheduledTimer Timer, WeakReference<object> Owner) ScheduleOwned(SipTimerService timers)
    {
        var owner = new List<int> { 1 };
        var timer = timers.Schedule(TimeSpan.FromSeconds(32), () => owner.Add(2));
        return (timer, new WeakReference<object>(owner));
    }

    [Fact]
    public void Fire_DropsCancelledTimersAtTheHead()
    {
        var time = new FakeTimeProvider();
        using var timers = new SipTimerService(time);
        var ran = 0;
        timers.Schedule(TimeSpan.FromMilliseconds(5), () => ran++);
        timers.Schedule(TimeSpan.FromMilliseconds(100), () => ran += 10).Cancel();
        timers.Schedule(TimeSpan.FromMilliseconds(200), () => ran += 10).Cancel();
        timers.Schedule(TimeSpan.FromSeconds(1), () => ran += 100);

        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, ran);
        Assert.Equal(1, timers.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(101, ran);
    }

    [Fact]
    public void Fire_TimersCloserThanTheResolution_RunTogetherAtMostThatLate()
    {
        var time = new FakeTimeProvider();
        using var timers = new SipTimerService(time);
        var ran = new List<int>();
        timers.Schedule(TimeSpan.FromMilliseconds(10), () => ran.Add(1));
        timers.Schedule(TimeSpan.FromMilliseconds(11), () => ran.Add(2));

        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal([1], ran);
        time.Advance(SipTimerService.Resolution - TimeSpan.FromMilliseconds(1));
        Assert.Equal([1], ran);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([1, 2], ran);
    }
}
