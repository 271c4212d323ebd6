namespace Lantern.Storage;

/// <summary>Where the store's start stands. A cluster node whose database is down at start listens without it and is not
/// ready; what needs the store (the phones) queues its start here and runs, in order, once the store is open and loaded.</summary>
internal sealed class StoreStartup
{
    private readonly Lock _gate = new();
    private readonly List<Func<CancellationToken, Task>> _pending = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string _problem = "the store is not open yet";

    /// <summary>True once the store is loaded and every queued start ran.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Completes when <see cref="IsReady"/> becomes true.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Why the store is not ready (the last failure to reach it); meaningless once ready.</summary>
    public string Problem => _problem;

    /// <summary>When the first attempt to open the store failed; null when it did not.</summary>
    public DateTimeOffset? UnreachableSince { get; private set; }

    /// <summary>Queues <paramref name="start"/> to run once the store is loaded (retried with the store while it fails);
    /// false when the store is ready already, and the caller starts at once.</summary>
    public bool Defer(Func<CancellationToken, Task> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        lock (_gate)
        {
            if (_ready.Task.IsCompleted)
            {
                return false;
            }

            _pending.Add(start);
            return true;
        }
    }

    /// <summary>Records why the store could not be opened (the first call marks the node as started without it).</summary>
    internal void Failed(string problem, DateTimeOffset now)
    {
        _problem = problem;
        UnreachableSince ??= now;
    }

    /// <summary>The next queued start, or null once there is none; then the store is ready, atomically with
    /// <see cref="Defer"/>, so a start queued meanwhile is never skipped.</summary>
    internal Func<CancellationToken, Task>? Next()
    {
        lock (_gate)
        {
            if (_pending.Count > 0)
            {
                return _pending[0];
            }

            _ready.TrySetResult();
            return null;
        }
    }

    /// <summary>The start <see cref="Next"/> returned has run.</summary>
    internal void Done()
    {
        lock (_gate)
        {
            _pending.RemoveAt(0);
        }
    }
}
