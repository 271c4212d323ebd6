namespace Lantern.Hosting;

/// <summary>Gives a subscription storm's garbage back to the OS once the server has gone quiet. The storm's transaction
/// state (kept 64·T1 for retransmissions) and store payloads live long enough to be promoted to gen2, and the GC collects
/// gen2 only when more is allocated: an idle server would otherwise hold that memory until the next storm (measured with
/// bench/load/phones/memory.sh: 100,000 subscriptions left several KiB of garbage each).</summary>
/// <remarks>Cheap when nothing happens: one look at the allocation counters per <see cref="Interval"/>. It collects (blocking,
/// compacting, decommitting) only when the heap grew by <see cref="MinGrowthBytes"/> and a quarter since the last time and the
/// process allocated almost nothing for <see cref="QuietPeriod"/>: once per storm, never under load.</remarks>
internal sealed class IdleHeapTrimmer : IHostedService, IDisposable
{
    /// <summary>How often the counters are looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Longer than a SIP transaction lingers (Timer J: 64·T1 = 32 s), so what a storm left in them is garbage by then.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(33);

    /// <summary>Allocation per second below which the process counts as quiet (a few hundred NOTIFYs a second stay under it).</summary>
    public const long QuietBytesPerSecond = 2 * 1024 * 1024;

    /// <summary>Heap growth that makes a collection worth its pause.</summary>
    public const long MinGrowthBytes = 16 * 1024 * 1024;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<long> _allocatedBytes;
    private readonly Func<long> _heapBytes;
    private readonly Action _collect;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _lastAllocated;
    private long _lastTicks;
    private long _quietSinceTicks;
    private long _heapAfterLastTrim;

    public IdleHeapTrimmer(TimeProvider time, ILogger logger)
        : this(time, logger, static () => GC.GetTotalAllocatedBytes(precise: false), static () => GC.GetTotalMemory(forceFullCollection: false),
            static () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
    }

    /// <summary>With the counters and the collection given (tests).</summary>
    internal IdleHeapTrimmer(TimeProvider time, ILogger logger, Func<long> allocatedBytes, Func<long> heapBytes, Action collect)
    {
        _time = time;
        _logger = logger;
        _allocatedBytes = allocatedBytes;
        _heapBytes = heapBytes;
        _collect = collect;
    }

    /// <summary>Collections made so far.</summary>
    public int Trims { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _lastAllocated = _allocatedBytes();
            _lastTicks = _quietSinceTicks = _time.GetUtcNow().UtcTicks;
            _heapAfterLastTrim = _heapBytes();
            _timer ??= _time.CreateTimer(static s => ((IdleHeapTrimmer)s!).Tick(), this, Interval, Interval);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>One look at the counters; collects when the heap grew and the process has been quiet long enough.</summary>
    internal void Tick()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            var allocated = _allocatedBytes();
            var seconds = Math.Max(TimeSpan.FromTicks(now - _lastTicks).TotalSeconds, 0.001);
            var rate = (allocated - _lastAllocated) / seconds;
            _lastAllocated = allocated;
            _lastTicks = now;
            if (rate > QuietBytesPerSecond)
            {
                _quietSinceTicks = now;
                return;
            }

            var heap = _heapBytes();
            var growth = heap - _heapAfterLastTrim;
            if (now - _quietSinceTicks < QuietPeriod.Ticks || growth < Math.Max(MinGrowthBytes, _heapAfterLastTrim / 4))
            {
                return;
            }

            var started = _time.GetTimestamp();
            _collect();
            _heapAfterLastTrim = _heapBytes();
            _lastAllocated = _allocatedBytes();
            Trims++;
            var milliseconds = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            HostingLog.HeapTrimmed(_logger, heap / (1024 * 1024), _heapAfterLastTrim / (1024 * 1024), milliseconds);
        }
    }
}
