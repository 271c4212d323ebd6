namespace Lantern.Sip.Transport;

/// <summary>Lets one log line through per interval and counts the ones held back, so an attack cannot flood the log.</summary>
/// <remarks>Thread-safe; the first call always passes.</remarks>
public sealed class LogThrottle
{
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private long _nextTicks = long.MinValue;
    private long _suppressed;

    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _intervalTicks = interval.Ticks;
    }

    /// <summary>True when this occurrence should be logged; <paramref name="suppressed"/> is how many were held back since the last one logged.</summary>
    public bool TryLog(out long suppressed)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextTicks, now + _intervalTicks, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
