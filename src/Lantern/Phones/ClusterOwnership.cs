using System.Threading.Channels;
using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>This node's part in cluster ownership (decision 0023): renews its lease, takes over the subscriptions and bindings
/// of nodes whose lease expired (their dialogs continue here), forgets records other nodes took, and stops notifying
/// anything when it could not renew its own lease for that long, since other nodes are then taking its phones over.</summary>
internal sealed class ClusterOwnership : IAsyncDisposable
{
    private readonly IRecordStore _records;
    private readonly IRecordOwnership _store;
    private readonly PhonesService _phones;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _fenceGate = new();
    private readonly ITimer _fenceTimer;
    private DateTimeOffset _renewedAt;
    private volatile bool _resync;
    private bool _fenced;
    private int _fences;
    private Task _loop = Task.CompletedTask;

    public ClusterOwnership(IRecordStore records, IRecordOwnership store, PhonesService phones, TimeProvider time, ILogger logger)
    {
        _records = records;
        _store = store;
        _phones = phones;
        _time = time;
        _logger = logger;
        Period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, store.LeaseTime.Ticks / 4));
        _fenceTimer = time.CreateTimer(static o => ((ClusterOwnership)o!).OnFenceDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long after the start of its last successful renewal this node stops notifying: a period before the lease
    /// runs out, so it is silent before any other node can judge it dead.</summary>
    private TimeSpan FenceAfter => _store.LeaseTime - Period;

    /// <summary>Between two renewals (and takeover checks): a quarter of the lease.</summary>
    public TimeSpan Period { get; }

    /// <summary>Takes the lease and the records of dead nodes before the phones layer loads what this node owns.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        await _store.RenewLeaseAsync(cancellationToken);
        Renewed(started);
        await _store.TakeOverAsync(cancellationToken);
        _store.Released = OnReleased;
        _store.ReleasesMissed = OnReleasesMissed;
        PhonesLog.LeaseHeld(_logger, _store.NodeId, _store.LeaseTime.TotalMilliseconds);
    }

    /// <summary>Starts renewing and taking over (call once the transports run: takeovers send NOTIFYs).</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);

    /// <summary>Runs one renewal and takeover check now (tests).</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        bool held;
        try
        {
            held = await _store.RenewLeaseAsync(cancellationToken);
        }
#pragma warning disable CA1031 // An unreachable store must not end the loop; the fence timer stops this node in time.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            PhonesLog.LeaseFailed(_logger, _store.NodeId, ex);
            OnFenceDue();
            return;
        }

        if (!held)
        {
            // The lease ran out before this renewal got through: a survivor may have taken (part of) what is held here.
            Fence();
        }

        var reload = Renewed(started);
        var directory = _phones.Directory;
        if (reload is { } fences)
        {
            // Whatever nobody took meanwhile is still this node's: carry on with it. The renewal above waited for any
            // takeover in progress, so what is read here is what survivors left.
            _resync = false;
            _phones.Registrar.Adopt(await _records.LoadAllAsync(Registrar.RecordKind, cancellationToken), directory);
            _phones.Subscriptions.Adopt(await _records.LoadAllAsync(SubscriptionManager.RecordKind, cancellationToken), directory, notify: true);
            ReleaseIfFencedSince(fences);
        }
        else if (_resync)
        {
            _resync = false;
            _phones.Subscriptions.ReleaseAllExcept(new HashSet<string>(await _store.OwnedKeysAsync(SubscriptionManager.RecordKind, cancellationToken), StringComparer.Ordinal));
            _phones.Registrar.ReleaseAllExcept(new HashSet<string>(await _store.OwnedKeysAsync(Registrar.RecordKind, cancellationToken), StringComparer.Ordinal));
        }

        var before = Volatile.Read(ref _fences);
        var taken = await _store.TakeOverAsync(cancellationToken);
        if (taken.Count > 0)
        {
            // Taken records are this node's in the store; if it was fenced meanwhile (the takeover outlasted its own lease),
            // they are left to the reload after its next renewal rather than notified now.
            _phones.Registrar.Adopt(taken, directory);
            _phones.Subscriptions.Adopt(taken, directory, notify: true);
            ReleaseIfFencedSince(before);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _store.Released = null;
        _store.ReleasesMissed = null;
        await _fenceTimer.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await WaitAsync(cancellationToken);
                await TickAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must outlive a failed takeover; the next period tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PhonesLog.LeaseFailed(_logger, _store.NodeId, ex);
            }
        }
    }

    /// <summary>One period, or less when missed notifications ask for a check now.</summary>
    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        using var period = new CancellationTokenSource(Period, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(period.Token, cancellationToken);
        try
        {
            await _wake.Reader.WaitToReadAsync(either.Token);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The period is over.
        }
    }

    /// <summary>Notes a successful renewal started at <paramref name="started"/> and re-arms the fence from it; returns the
    /// fence count when the node was fenced (what it owns must then be read again), else null.</summary>
    private int? Renewed(DateTimeOffset started)
    {
        lock (_fenceGate)
        {
            _renewedAt = started;
            _fenceTimer.Change(Max(started + FenceAfter - _time.GetUtcNow(), TimeSpan.Zero), Timeout.InfiniteTimeSpan);
            if (!_fenced)
            {
                return null;
            }

            _fenced = false;
            return _fences;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The fence timer (or a failed renewal): stops notifying once no renewal has succeeded for
    /// <see cref="FenceAfter"/>, whatever the renewal or takeover in progress is waiting for.</summary>
    private void OnFenceDue()
    {
        lock (_fenceGate)
        {
            if (_time.GetUtcNow() - _renewedAt >= FenceAfter)
            {
                Fence();
            }
        }
    }

    /// <summary>Before the other nodes can see the lease expired: two nodes must never notify one dialog.</summary>
    private void Fence()
    {
        lock (_fenceGate)
        {
            if (_fenced)
            {
                return;
            }

            _fenced = true;
            _fences++;
            PhonesLog.LeaseLost(_logger, _store.NodeId, (_time.GetUtcNow() - _renewedAt).TotalSeconds);
            ReleaseAll();
        }
    }

    /// <summary>Drops what was adopted after a fence that happened while it was being read or taken.</summary>
    private void ReleaseIfFencedSince(int fences)
    {
        lock (_fenceGate)
        {
            if (_fences != fences)
            {
                ReleaseAll();
            }
        }
    }

    private void ReleaseAll()
    {
        _phones.Subscriptions.ReleaseAllExcept(null);
        _phones.Registrar.ReleaseAllExcept(null);
    }

    private void OnReleased(string kind, string key)
    {
        if (kind == SubscriptionManager.RecordKind)
        {
            _phones.Subscriptions.Release(key);
        }
        else if (kind == Registrar.RecordKind)
        {
            _phones.Registrar.Release(key);
        }
    }

    private void OnReleasesMissed()
    {
        _resync = true;
        _wake.Writer.TryWrite(true);
    }
}
