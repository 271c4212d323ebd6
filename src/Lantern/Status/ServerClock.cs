namespace Lantern.Status;

/// <summary>When this server started and last reloaded its configuration (AMI <c>FullyBooted</c>'s Uptime and LastReload).</summary>
public sealed class ServerClock
{
    private readonly TimeProvider _time;
    private long _lastReloadTicks;

    public ServerClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        StartedAt = time.GetUtcNow();

        // As in Asterisk, start-up counts as the first load.
        _lastReloadTicks = StartedAt.UtcTicks;
    }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset LastReloadAt => new(Volatile.Read(ref _lastReloadTicks), TimeSpan.Zero);

    /// <summary>Whole seconds since start, as Asterisk prints them.</summary>
    public long UptimeSeconds => WholeSecondsSince(StartedAt);

    /// <summary>Whole seconds since the last successful reload (or start).</summary>
    public long LastReloadSeconds => WholeSecondsSince(LastReloadAt);

    /// <summary>Called after a configuration reload was applied.</summary>
    public void Reloaded() => Volatile.Write(ref _lastReloadTicks, _time.GetUtcNow().UtcTicks);

    private long WholeSecondsSince(DateTimeOffset then) => Math.Max(0, (_time.GetUtcNow() - then).Ticks / TimeSpan.TicksPerSecond);
}
