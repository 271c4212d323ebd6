using Lantern.Phones;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Phones;

public sealed class DeadlineSchedulerTests
{
    [Fact]
    public void Deadlines_FireInOrder_CancelledOnesNeverAndLeaveTheQueue()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var scheduler = new DeadlineScheduler(time);
        var fired = new List<int>();
        var deadlines = new ScheduledDeadline[500];
        var random = new Random(7);
        var dues = new int[deadlines.Length];
        for (var i = 0; i < deadlines.Length; i++)
        {
            dues[i] = random.Next(1, 1000);
            deadlines[i] = new ScheduledDeadline(s => fired.Add((int)s!), i);
            scheduler.Set(deadlines[i], time.GetUtcNow().AddSeconds(dues[i]));
        }

        for (var i = 0; i < deadlines.Length; i += 2)
        {
            scheduler.Cancel(deadlines[i]);
        }

        Assert.Equal(deadlines.Length / 2, scheduler.Count);
        for (var s = 0; s < 1000; s++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, scheduler.Count);
        Assert.Equal(deadlines.Length / 2, fired.Count);
        Assert.All(fired, i => Assert.Equal(1, i % 2));
        for (var k = 1; k < fired.Count; k++)
        {
            Assert.True(dues[fired[k - 1]] <= dues[fired[k]], "fired out of order");
        }
    }

    [Fact]
    public void Set_MovesAQueuedDeadline_InsteadOfQueueingItTwice()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var scheduler = new DeadlineScheduler(time);
        var fired = 0;
        var deadline = new ScheduledDeadline(_ => fired++, null);
        scheduler.Set(deadline, time.GetUtcNow().AddSeconds(10));
        scheduler.Set(deadline, time.GetUtcNow().AddSeconds(3600));
        Assert.Equal(1, scheduler.Count);

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(0, fired);

        scheduler.Set(deadline, time.GetUtcNow().AddSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, fired);
        Assert.False(deadline.IsQueued);

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, fired);
        Assert.Equal(0, scheduler.Count);
    }
}
