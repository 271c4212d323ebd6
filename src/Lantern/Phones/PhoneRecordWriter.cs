using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>Writes subscription and binding records by group commit: whatever is queued while one transaction commits goes
/// into the next, coalesced per key (the newest put or delete wins). <see cref="WhenCommitted"/> lets the SIP side answer
/// a request only once the state it acknowledges is durable, without a transaction per request.</summary>
internal sealed class PhoneRecordWriter : IAsyncDisposable
{
    private readonly IRecordStore _store;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    // Per record in the store as far as this node knows: the claims it may carry (decision 0041). One when loaded or after a
    // committed put; more while a put's outcome is unknown (a failed commit may still have been applied).
    private readonly Dictionary<(string Kind, string Key), KnownClaims> _claims = [];
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _committing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private Dictionary<(string Kind, string Key), PendingWrite> _pending = [];
    private Dictionary<(string Kind, string Key), PendingWrite> _inFlight = [];
    // Keys let go of (Forget) while a put of theirs was being committed: not queued again should that commit fail.
    private readonly HashSet<(string Kind, string Key)> _forgottenInFlight = [];
    private long _pendingSince;
    private long _inFlightSince;
    private bool _failing;
    private int _signalled;
    private CommitWaiters? _nextCommit;
    private CommitWaiters? _inFlightCommit;
    private Task? _loop;
    // Reused by every batch (one commits at a time, under _committing): the records' JSON, the batch handed to the store and
    // the bookkeeping around it cost nothing per record in steady state.
    private ArrayBufferWriter<byte> _json = new(InitialJsonBuffer);
    private Utf8JsonWriter? _jsonWriter;
    private readonly List<RecordWrite> _batch = [];
    private readonly List<(PendingWrite Write, int Index)> _stored = [];
    private readonly List<((string Kind, string Key) Key, PendingWrite Write)> _withClaims = [];
    private bool[] _applied = [];

    private const int InitialJsonBuffer = 16 * 1024;

    /// <summary>A JSON buffer grown past this by a storm's batch is let go after it rather than kept for good.</summary>
    private const int KeptJsonBuffer = 1024 * 1024;

    private static readonly Task<bool> Committed = Task.FromResult(true);
    private static readonly Task<bool> NotCommitted = Task.FromResult(false);

    public PhoneRecordWriter(IRecordStore store, ILogger logger, TimeProvider? time = null)
    {
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Longest a waiter of <see cref="WhenCommitted"/> waits: a stalled store delays answers to phones, it never
    /// leaves them unanswered (one timer per batch, not per request).</summary>
    public static TimeSpan WaitLimit { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause after a failed commit before the writes are tried again, so an unreachable store is not hammered.</summary>
    public static TimeSpan RetryDelay { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Writes that must wait before <see cref="Delay"/> reports their age.</summary>
    public const int MinBacklog = 32;

    /// <summary>Writes queued so far and not yet committed.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _inFlight.Count;
            }
        }
    }

    /// <summary>Age of the oldest write not yet committed (zero when none waits): how far the group commit lags, which the
    /// SIP stack's admission control compares with <c>sip.overload.maxStoreDelayMs</c>.</summary>
    /// <remarks>Zero while fewer than <see cref="MinBacklog"/> writes wait: one slow fsync on a busy disk is not overload,
    /// and refusing a lone phone for it would only delay that phone.</remarks>
    public TimeSpan Delay()
    {
        long since;
        lock (_gate)
        {
            if (_pending.Count + _inFlight.Count < MinBacklog)
            {
                return TimeSpan.Zero;
            }

            since = _inFlightSince != 0 ? _inFlightSince : _pendingSince;
        }

        return since == 0 ? TimeSpan.Zero : _time.GetElapsedTime(since);
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <param name="onlyIfOwned">Bookkeeping of this node (see <see cref="RecordWrite.OnlyIfOwned"/>) rather than a phone's
    /// request, which makes this node the record's owner.</param>
    public void Put(string kind, string key, string payload, DateTimeOffset? expiresAt, bool onlyIfOwned = false) =>
        Enqueue(kind, key, new PendingWrite(payload, null, null, null, expiresAt, onlyIfOwned, ClaimOf(onlyIfOwned), null, false, null));

    /// <summary>A put whose payload is made when the batch is written, from the newest state of <paramref name="state"/>: under a
    /// subscription storm payloads made up front (about 1 KiB each) would wait long enough to reach gen2 and stay there as garbage.</summary>
    /// <param name="stored">Called with <paramref name="state"/> once a batch carrying this put has committed, before its
    /// waiters go on, and whether it changed the record (a put <paramref name="onlyIfOwned"/> does not when another node owns
    /// the record now or it is gone).</param>
    public void Put(string kind, string key, object state, Func<object, string> serialize, DateTimeOffset? expiresAt, bool onlyIfOwned = false, Action<object, bool>? stored = null) =>
        Enqueue(kind, key, new PendingWrite(null, state, serialize, null, expiresAt, onlyIfOwned, ClaimOf(onlyIfOwned), null, false, stored));

    /// <summary>As the put above, the payload written as UTF-8 JSON by <paramref name="write"/> into the batch's reused buffer,
    /// which SQLite binds as it is: no string and no copy per record (about 2 KB per subscription record before).</summary>
    public void Put(string kind, string key, object state, Action<object, Utf8JsonWriter> write, DateTimeOffset? expiresAt, bool onlyIfOwned = false, Action<object, bool>? stored = null) =>
        Enqueue(kind, key, new PendingWrite(null, state, null, write, expiresAt, onlyIfOwned, ClaimOf(onlyIfOwned), null, false, stored));

    /// <summary>Deletes a record this node ended (unsubscribe, un-REGISTER, expiry): in cluster mode wherever it is owned now,
    /// unless another node claimed it since for a newer request of the phone (decision 0041).</summary>
    /// <param name="unconditional">The phone's own unsubscribe: the record goes whoever owns it and whatever its claim, since no
    /// later request can re-establish the dialog (decision 0045); a later delete of the record keeps this one.</param>
    public void Delete(string kind, string key, bool unconditional = false) =>
        Enqueue(kind, key, new PendingWrite(null, null, null, null, null, false, 0, null, unconditional, null));

    /// <summary>True while the last write queued (or being committed) for a record is a delete: the record read back from the
    /// store is then already ended here (an unsubscribe answered before its delete is stored).</summary>
    public bool IsDeleting(string kind, string key)
    {
        lock (_gate)
        {
            var k = (kind, key);
            return _pending.TryGetValue(k, out var queued) ? queued.IsDelete : _inFlight.TryGetValue(k, out var flying) && flying.IsDelete;
        }
    }

    /// <summary>Whether a record read back from the store (a takeover, a claim, or a fenced node reloading its own) may come
    /// back into memory as <paramref name="kind"/>: not while its delete is queued here, since the row predates an unsubscribe
    /// or un-REGISTER this node has already answered, and restoring it would also replace that delete with a put.</summary>
    public static bool MayAdopt(PhoneRecordWriter? writer, StoredRecord record, string kind)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Kind == kind && writer?.IsDeleting(kind, record.Key) != true;
    }

    /// <summary>Drops what is queued for a record another node now owns: its writes would be refused there anyway. A queued
    /// delete stays: the phone's unsubscribe or un-REGISTER answered here must end the record on its new owner too, and the
    /// delete's claims keep it from removing a newer claim (decision 0041).</summary>
    public void Forget(string kind, string key)
    {
        lock (_gate)
        {
            var k = (kind, key);
            if (_pending.TryGetValue(k, out var queued) && queued.IsDelete)
            {
                return;
            }

            _pending.Remove(k);
            if (_inFlight.TryGetValue(k, out var flying))
            {
                if (!flying.IsDelete)
                {
                    // Retried after a failure, that put would make this node the owner again behind the new owner's back.
                    _forgottenInFlight.Add(k);
                }
            }
            else
            {
                // A write being committed may still land (a lost reply): what it claims must stay known should the record
                // come back here (decision 0045).
                _claims.Remove(k);
            }
        }
    }

    /// <summary>True once everything queued before the call has been committed; false when that commit failed or took longer
    /// than <see cref="WaitLimit"/>, so the caller answers <c>503</c> instead of acknowledging what is not stored.</summary>
    /// <remarks>While the store refused the last commit, writes still queued wait for a retry after <see cref="RetryDelay"/>:
    /// the answer is false at once. Without this a write that went out in the failed batch before its caller got here would
    /// wait for the retry, so whether a phone saw <c>503</c> depended on thread timing.</remarks>
    public Task<bool> WhenCommitted()
    {
        lock (_gate)
        {
            return WhenCommittedLocked(out _);
        }
    }

    /// <summary>Calls <paramref name="callback"/> with <paramref name="state"/> and what <see cref="WhenCommitted"/> would
    /// complete with, once it has: at once when it already has, else on the thread that completes the commit. One
    /// continuation per batch runs every callback of it, instead of a task continuation (or an async state machine) per
    /// request.</summary>
    public void OnCommitted(Action<object, bool> callback, object state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Task<bool> done;
        CommitWaiters? waiters;
        lock (_gate)
        {
            done = WhenCommittedLocked(out waiters);
        }

        if (waiters is null || !waiters.TryAdd(callback, state))
        {
            callback(state, done.Result);
        }
    }

    private Task<bool> WhenCommittedLocked(out CommitWaiters? waiters)
    {
        waiters = null;
        if (_pending.Count > 0)
        {
            if (_failing)
            {
                return NotCommitted;
            }

            waiters = _nextCommit ??= NewCommit();
            return waiters.Task;
        }

        waiters = _inFlightCommit;
        return waiters?.Task ?? Committed;
    }

    /// <summary>Commits everything queued so far (used at shutdown and by tests).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (Pending > 0)
        {
            await CommitOnceAsync(retryAfterFailure: false, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The store is too slow at shutdown; what is lost is soft state the phones re-create.
        }

        lock (_gate)
        {
            _nextCommit?.Source.TrySetResult(false);
        }

        _stop.Dispose();
        _committing.Dispose();
    }

    /// <summary>Marks records read from the store (start-up, takeover, claim), so deleting them is not skipped and is
    /// conditional on the claim they carry.</summary>
    public void MarkStored(StoredRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            // Added to what is known, never replacing it: a read can be older than this node's own put or claim of the record
            // (a reload racing a dialog move), and a delete that knew only the older claim would remove nothing (decision 0045).
            var k = (record.Kind, record.Key);
            _claims[k] = _claims.TryGetValue(k, out var known) ? known.With(record.Claim) : new KnownClaims(record.Claim, null);
        }
    }

    private static long ClaimOf(bool onlyIfOwned) => onlyIfOwned ? 0 : RecordWrite.NewClaim();

    private void Enqueue(string kind, string key, PendingWrite write)
    {
        try
        {
            new RecordWrite(kind, key, write.Payload, write.ExpiresAt).Validate();
        }
        catch (ArgumentException ex)
        {
            PhonesLog.StoreWriteFailed(_logger, kind, key, ex);
            return;
        }

        lock (_gate)
        {
            var k = (kind, key);
            if (write.IsDelete && !_claims.ContainsKey(k) && !_inFlight.ContainsKey(k))
            {
                // Never committed nor being committed: dropping the pending put is the whole delete.
                _pending.Remove(k);
                if (_pending.Count == 0)
                {
                    _pendingSince = 0;
                }

                return;
            }

            if (write.IsDelete && _pending.TryGetValue(k, out var ending) && ending.Unconditional)
            {
                return;
            }

            if (!write.IsDelete && _pending.TryGetValue(k, out var queued) && !queued.IsDelete && !queued.OnlyIfOwned)
            {
                // A phone's claim still waiting must survive this node's later bookkeeping for the same record.
                write = write with { OnlyIfOwned = false, Claim = queued.Claim };
            }

            if (_pending.Count == 0)
            {
                _pendingSince = _time.GetTimestamp();
            }

            _pending[k] = write;
        }

        // The channel takes its lock on every write: a flag keeps that to one write per batch instead of one per request.
        if (Interlocked.CompareExchange(ref _signalled, 1, 0) == 0)
        {
            _signal.Writer.TryWrite(true);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await _signal.Reader.WaitToReadAsync(cancellationToken))
        {
            _signal.Reader.TryRead(out _);
            // Cleared before the batch is taken: a write queued after this signals again, one queued before is in the batch.
            Volatile.Write(ref _signalled, 0);
            if (await CommitOnceAsync(retryAfterFailure: true, cancellationToken) is { } retry)
            {
                await retry;
                Volatile.Write(ref _signalled, 1);
                _signal.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>Commits what is pending under <see cref="_committing"/>, then releases its waiters. They continue on this
    /// thread (answering their SUBSCRIBE/REGISTER): no thread-pool hop per request, and what they queue meanwhile gathers
    /// into the next batch. When the store refused the batch and <paramref name="retryAfterFailure"/>, returns the pause to
    /// wait before trying again, already running before the waiters go on.</summary>
    private async Task<Task?> CommitOnceAsync(bool retryAfterFailure, CancellationToken cancellationToken)
    {
        (bool Ok, CommitWaiters? Done, Task? Retry) result;
        await _committing.WaitAsync(cancellationToken);
        try
        {
            result = await CommitPendingAsync(retryAfterFailure, cancellationToken);
        }
        finally
        {
            _committing.Release();
        }

        result.Done?.Source.TrySetResult(result.Ok);
        return result.Retry;
    }

    /// <summary>One transaction with everything pending; false when the store refused it (the writes are queued again
    /// unless newer ones for the same keys arrived meanwhile), and the waiters to release once the caller has let go of
    /// <see cref="_committing"/>.</summary>
    private async Task<(bool Ok, CommitWaiters? Done, Task? Retry)> CommitPendingAsync(bool retryAfterFailure, CancellationToken cancellationToken)
    {
        CommitWaiters done;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return (true, null, null);
            }

            (_inFlight, _pending) = (_pending, _inFlight);
            (_inFlightSince, _pendingSince) = (_pendingSince, 0);
            done = _nextCommit ?? NewCommit();
            _nextCommit = null;
            _inFlightCommit = done;
            NoteClaimsLocked();
        }

        // Outside the lock, so SIP threads queueing writes never wait for serialization; _inFlight changes only here.
        var batch = _batch;
        var stored = _stored;
        batch.Clear();
        stored.Clear();
        if (_json.Capacity > KeptJsonBuffer)
        {
            _json = new ArrayBufferWriter<byte>(InitialJsonBuffer);
        }

        _json.ResetWrittenCount();
        foreach (var (k, w) in _inFlight)
        {
            var utf8 = w.WriteJson is null || w.IsDelete ? default : WriteJson(w);
            var write = new RecordWrite(k.Kind, k.Key, w.IsDelete || w.WriteJson is not null ? null : w.Payload ?? w.Serialize!(w.State!), w.ExpiresAt)
            {
                Utf8Json = utf8,
                OnlyIfOwned = w.OnlyIfOwned,
                Claim = w.Claim,
                Claims = w.Claims,
                Unconditional = w.Unconditional,
            };
            if (write.Json is { Length: > StoredRecord.MaxJsonLength } || utf8.Length > StoredRecord.MaxJsonLength)
            {
                // One oversized record must not hold back (and fail) the whole batch forever.
                PhonesLog.StoreWriteFailed(_logger, k.Kind, k.Key, new ArgumentException($"value has {Math.Max(write.Json?.Length ?? 0, utf8.Length)} characters"));
                continue;
            }

            if (w.Stored is not null)
            {
                stored.Add((w, batch.Count));
            }

            batch.Add(write);
        }

        var ok = false;
        Task? retry = null;
        if (_applied.Length < batch.Count)
        {
            _applied = new bool[Math.Max(batch.Count, 2 * _applied.Length)];
        }

        var applied = _applied;
        using var slow = _time.CreateTimer(ReleaseSlowWaiters, done, WaitLimit, Timeout.InfiniteTimeSpan);
        try
        {
            await _store.WriteBatchAsync(batch, applied, cancellationToken);
            ok = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            done.Source.TrySetResult(false);
            throw;
        }
#pragma warning disable CA1031 // A store failure must not stop the writer; the writes are tried again after a pause.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PhonesLog.StoreBatchFailed(_logger, batch.Count, ex);
            // Started before the failure is visible (WhenCommitted answers false from then on): a clock moved on by a caller
            // who saw that answer must find the pause already running.
            retry = retryAfterFailure ? Task.Delay(RetryDelay, _time, cancellationToken) : null;
        }
        finally
        {
            lock (_gate)
            {
                foreach (var (k, w) in _inFlight)
                {
                    if (ok)
                    {
                        if (w.IsDelete)
                        {
                            _claims.Remove(k);
                        }
                        else if (!w.OnlyIfOwned)
                        {
                            _claims[k] = new KnownClaims(w.Claim, null);
                        }
                    }
                    else if (!_forgottenInFlight.Contains(k))
                    {
                        _pending.TryAdd(k, w);
                    }
                }

                _forgottenInFlight.Clear();

                _failing = !ok;
                if (!ok && _pending.Count > 0)
                {
                    // Writes put back after a failure are as old as the batch they came in.
                    _pendingSince = _pendingSince == 0 ? _inFlightSince : Math.Min(_pendingSince, _inFlightSince);
                }

                _inFlightSince = 0;
                _inFlight.Clear();
                _inFlightCommit = null;
            }
        }

        if (ok)
        {
            foreach (var (w, i) in stored)
            {
                w.Stored!(w.State!, applied[i]);
            }
        }

        // Not kept until the next batch: they hold the records' states and the old JSON buffer.
        batch.Clear();
        stored.Clear();

        return (ok, done, retry);
    }

    private static CommitWaiters NewCommit() => new();

    /// <summary>The record's JSON appended to the batch's buffer; valid until the next batch (a buffer that grows keeps the
    /// earlier records in its old array).</summary>
    private ReadOnlyMemory<byte> WriteJson(PendingWrite w)
    {
        var start = _json.WrittenCount;
        var json = _jsonWriter ??= new Utf8JsonWriter(_json);
        json.Reset(_json);
        w.WriteJson!(w.State!, json);
        json.Flush();
        return _json.WrittenMemory[start..];
    }

    /// <summary>For the batch just taken: each claiming put's token may be in the store from now on (its commit can be applied
    /// even when its reply is lost), and each delete carries the claims known when it first went out, kept across retries.</summary>
    private void NoteClaimsLocked()
    {
        var withClaims = _withClaims;
        withClaims.Clear();
        foreach (var (k, w) in _inFlight)
        {
            if (w.IsDelete)
            {
                if (w.Claims is null && _claims.TryGetValue(k, out var known))
                {
                    withClaims.Add((k, w with { Claims = known.ToArray() }));
                }
            }
            else if (!w.OnlyIfOwned)
            {
                _claims[k] = _claims.TryGetValue(k, out var known) ? known.With(w.Claim) : new KnownClaims(w.Claim, null);
            }
        }

        foreach (var (k, w) in withClaims)
        {
            _inFlight[k] = w;
        }

        withClaims.Clear();
    }

    private void ReleaseSlowWaiters(object? state)
    {
        if (state is CommitWaiters done && !done.Task.IsCompleted)
        {
            PhonesLog.StoreSlow(_logger, WaitLimit.TotalSeconds);
            // Off the timer thread: the waiters go on to answer their requests (503: not stored yet).
            ThreadPool.UnsafeQueueUserWorkItem(static d => d.Source.TrySetResult(false), done, preferLocal: false);
        }
    }

    /// <summary>One batch's waiters: the task <see cref="WhenCommitted"/> hands out, and the callbacks of
    /// <see cref="OnCommitted"/>, run by the task's one continuation on the thread that completes it.</summary>
    private sealed class CommitWaiters
    {
        private readonly Lock _gate = new();
        private List<(Action<object, bool> Callback, object State)>? _callbacks;
        private bool _ran;

        public CommitWaiters()
        {
            Source.Task.ContinueWith(static (t, s) => ((CommitWaiters)s!).Run(t.Result), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        public TaskCompletionSource<bool> Source { get; } = new();

        public Task<bool> Task => Source.Task;

        /// <summary>False once the callbacks have run: the caller then calls its own with the result.</summary>
        public bool TryAdd(Action<object, bool> callback, object state)
        {
            lock (_gate)
            {
                if (_ran)
                {
                    return false;
                }

                (_callbacks ??= []).Add((callback, state));
                return true;
            }
        }

        private void Run(bool ok)
        {
            List<(Action<object, bool> Callback, object State)>? callbacks;
            lock (_gate)
            {
                _ran = true;
                callbacks = _callbacks;
                _callbacks = null;
            }

            foreach (var (callback, state) in callbacks ?? [])
            {
                callback(state, ok);
            }
        }
    }

    /// <summary>The claims a stored record may carry: one in the common case (no allocation per record), more only after
    /// puts whose commit outcome is unknown.</summary>
    private readonly record struct KnownClaims(long Last, long[]? Earlier)
    {
        public KnownClaims With(long claim) =>
            claim == Last || (Earlier is not null && Array.IndexOf(Earlier, claim) >= 0) ? this : new KnownClaims(claim, Earlier is null ? [Last] : [.. Earlier, Last]);

        public long[] ToArray() => Earlier is null ? [Last] : [.. Earlier, Last];
    }

    private readonly record struct PendingWrite(
        string? Payload,
        object? State,
        Func<object, string>? Serialize,
        Action<object, Utf8JsonWriter>? WriteJson,
        DateTimeOffset? ExpiresAt,
        bool OnlyIfOwned,
        long Claim,
        long[]? Claims,
        bool Unconditional,
        Action<object, bool>? Stored)
    {
        public bool IsDelete => Payload is null && Serialize is null && WriteJson is null;
    }
}
