using Lantern.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Hosting;

public sealed class IdleHeapTrimmerTests
{
    private const long MiB = 1024 * 1024;

    private sealed class Counters
    {
        public long Allocated { get; set; }

        public long Heap { get; set; } = 50 * MiB;

        public int Collections { get; set; }

        public long HeapAfterCollect { get; set; } = 50 * MiB;
    }

    private static (IdleHeapTrimmer Trimmer, FakeTimeProvider Time, Counters Counters) Create()
    {
        var time = new FakeTimeProvider();
        var c = new Counters();
        var trimmer = new IdleHeapTrimmer(time, NullLogger.Instance, () => c.Allocated, () => c.Heap, () =>
        {
            c.Collections++;
            c.Heap = c.HeapAfterCollect;
        });
        trimmer.StartAsync(CancellationToken.None);
        return (trimmer, time, c);
    }

    private static void Seconds(FakeTimeProvider time, Counters c, int seconds, long bytesPerSecond)
    {
        for (var i = 0; i < seconds; i++)
        {
            c.Allocated += bytesPerSecond;
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Tick_QuietAfterGrowth_CollectsOnceAfterQuietPeriod()
    {
        var (trimmer, time, c) = Create();
        using var _ = trimmer;
        c.Heap = 200 * MiB;
        Seconds(time, c, 30, 50 * MiB);
        Seconds(time, c, 32, 0);
        Assert.Equal(0, c.Collections);
        Seconds(time, c, 2, 0);
        Assert.Equal(1, c.Collections);
        Seconds(time, c, 120, 0);
        Assert.Equal(1, c.Collections);
    }

    [Fact]
    public void Tick_UnderLoad_NeverCollects()
    {
        var (trimmer, time, c) = Create();
        using var _ = trimmer;
        c.Heap = 400 * MiB;
        Seconds(time, c, 300, 10 * MiB);
        Assert.Equal(0, c.Collections);
    }

    [Fact]
    public void Tick_QuietWithoutGrowth_NeverCollects()
    {
        var (trimmer, time, c) = Create();
        using var _ = trimmer;
        c.Heap = 55 * MiB;
        Seconds(time, c, 120, 100 * 1024);
        Assert.Equal(0, c.Collections);
    }

    [Fact]
    public void Tick_SecondStorm_CollectsAgain()
    {
        var (trimmer, time, c) = Create();
        using var _ = trimmer;
        c.Heap = 200 * MiB;
        c.HeapAfterCollect = 120 * MiB;
        Seconds(time, c, 40, 0);
        Assert.Equal(1, c.Collections);
        c.Heap = 140 * MiB;
        Seconds(time, c, 60, 0);
        Assert.Equal(1, c.Collections);
        c.Heap = 260 * MiB;
        Seconds(time, c, 10, 20 * MiB);
        Seconds(time, c, 40, 0);
        Assert.Equal(2, c.Collections);
        Assert.Equal(2, trimmer.Trims);
    }
}
