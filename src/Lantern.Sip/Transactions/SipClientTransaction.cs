using System.Threading.Tasks.Sources;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Transactions;

/// <summary>A non-INVITE client transaction (RFC 3261 §17.1.2): Timer E retransmissions over UDP, Timer F timeout, Timer K
/// absorbing response retransmissions. It is itself the source of the caller's <see cref="ValueTask{TResult}"/>, completed
/// exactly once with the outcome or the caller's cancellation, and is pooled per shard. Once Completed over UDP the shard's
/// table holds only its key (<see cref="SipCompletedClientTransaction"/>) until Timer K, and the request bytes are let go.</summary>
/// <remarks>Reuse: the object goes back to its pool when its holds are all let go: the caller's (at GetResult), the shard's
/// (once Completed or Terminated with no send, no timer run and no event of its own still under way) and a cancellation
/// registration's (unregistered, or its callback finished). So a caller awaiting the ValueTask never sees another request's
/// outcome, and a timer run or send result queued on the shard never reaches the next use.</remarks>
internal sealed class SipClientTransaction : ISipClientTransactionEntry, IValueTaskSource<SipClientResult>, ISipShardWork
{
    private readonly SipTransactionShard _shard;
    private readonly SipTransactionContext _context;
    private readonly SipClientTransactionPool _pool;
    private readonly SipScheduledTimer _timerE;
    private readonly SipScheduledTimer _timerF;
    // Continuations run inline on the shard that received the response: the caller's next step (usually the next NOTIFY
    // of a subscription) then costs no thread-pool hop. Callers must not block in them.
    private ManualResetValueTaskSourceCore<SipClientResult> _core;
    private ReadOnlyMemory<byte> _request;
    private bool _reliable;
    private TimeSpan _eInterval;
    // The request's rented buffer (UDP only): given back once the transaction is done with it and no send still reads it.
    private byte[]? _rented;
    private int _sendsInFlight;
    // Shard-owned: events of this transaction on the stack (a send result can arrive inside Start); it is let go only at depth 0.
    private int _depth;
    private bool _shardHoldReleased;
    private int _outcomeGiven;
    private int _holds;
    private CancellationTokenRegistration _cancellation;

    public SipClientTransaction(SipTransactionShard shard, SipTransactionContext context, SipClientTransactionPool pool)
    {
        _shard = shard;
        _context = context;
        _pool = pool;
        _timerE = context.Timers.Create(static s => ((SipClientTransaction)s!).OnTimerE(), this, shard.Executor);
        _timerF = context.Timers.Create(static s => ((SipClientTransaction)s!).OnTimerF(), this, shard.Executor);
        Method = string.Empty;
    }

    public SipClientKey Key { get; private set; }

    public string Method { get; private set; }

    public SipDestination Destination { get; private set; }

    /// <summary>The connection the request went out on (0 for UDP or before the first send completed).</summary>
    public long ConnectionId { get; private set; }

    public SipTransactionState State { get; private set; }

    /// <summary>The token of the current use, for the caller's ValueTask.</summary>
    public short Version => _core.Version;

    /// <summary>Prepares a use (on the sending thread, before the transaction is posted to its shard).</summary>
    public void Init(SipClientKey key, string method, ReadOnlyMemory<byte> request, SipDestination destination, byte[]? rented)
    {
        Key = key;
        Method = method;
        _request = request;
        _rented = rented;
        Destination = destination;
        _reliable = SipTransactionContext.IsReliable(destination.Transport);
        State = SipTransactionState.Trying;
        ConnectionId = 0;
        _sendsInFlight = 0;
        _depth = 0;
        _shardHoldReleased = false;
        _outcomeGiven = 0;
        _holds = 2;
    }

    /// <summary>Completes the caller's ValueTask with cancellation when <paramref name="cancellationToken"/> fires first; the
    /// transaction itself goes on (retransmissions, Timer K), only the wait stops.</summary>
    public void WatchCancellation(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        Interlocked.Increment(ref _holds);
        _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((SipClientTransaction)s!).OnCancelled(token), this);
    }

    /// <summary>The transaction could not be posted to its shard (queue full): it ends at once with <paramref name="failure"/>.</summary>
    public void FailUnstarted(SipClientFailure failure, string error)
    {
        State = SipTransactionState.Terminated;
        GiveBackRequest();
        Finish(SipClientResult.Failed(failure, error));
        ReleaseShardHold();
    }

    /// <summary>Start, on the shard.</summary>
    void ISipShardWork.RunOnShard()
    {
        _depth++;
        if (_shard.IsFull)
        {
            State = SipTransactionState.Terminated;
            GiveBackRequest();
            Finish(SipClientResult.Failed(SipClientFailure.Overloaded, "transaction table full"));
        }
        else
        {
            _shard.Clients[Key] = this;
            // Timers first: a send failing inline terminates the transaction, which cancels them.
            if (!_reliable)
            {
                _eInterval = _context.Values.T1;
                _context.Timers.Set(_timerE, _eInterval);
            }

            _context.Timers.Set(_timerF, _context.Values.TimeoutInterval);
            Transmit();
        }

        Leave();
    }

    public void OnResponse(SipMessage response)
    {
        if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            // Completed: a retransmitted response is absorbed.
            response.Dispose();
            return;
        }

        if (response.StatusCode < 200)
        {
            State = SipTransactionState.Proceeding;
            response.Dispose();
            return;
        }

        _depth++;
        _timerE.Cancel();
        _timerF.Cancel();
        State = SipTransactionState.Completed;
        GiveBackRequest();
        if (_reliable)
        {
            Terminate();
        }
        else if (_shard.Clients.TryGetValue(Key, out var current) && ReferenceEquals(current, this))
        {
            _shard.Clients[Key] = SipCompletedClientTransaction.Instance;
            _shard.TimerK.Add(Key, _context, _context.Values.T4);
        }

        Finish(SipClientResult.Received(response));
        Leave();
    }

    /// <summary>The connection carrying this request closed before a final response.</summary>
    public void OnConnectionClosed(long connectionId)
    {
        if (connectionId != 0 && connectionId == ConnectionId && State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            _depth++;
            Fail(SipClientFailure.TransportError, "connection closed");
            Leave();
        }
    }

    public void Stop()
    {
        _depth++;
        Fail(SipClientFailure.Stopped, "stack stopped");
        Leave();
    }

    public SipClientResult GetResult(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            throw new InvalidOperationException("A SendRequestAsync result can be awaited once, after it completed.");
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            ReleaseHold();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Transmit()
    {
        _sendsInFlight++;
        _context.Send(_shard, _request, Destination, static (s, r) => ((SipClientTransaction)s).OnSent(r), this);
    }

    private void OnSent(SipSendResult r)
    {
        _depth++;
        _sendsInFlight--;
        GiveBackRequest();
        if (!r.Succeeded)
        {
            Fail(SipClientFailure.TransportError, r.Error ?? "send failed");
        }
        else if (r.ConnectionId != 0)
        {
            ConnectionId = r.ConnectionId;
        }

        Leave();
    }

    /// <summary>Returns the rented request buffer once no retransmission can come (Completed or Terminated) and no send reads it.</summary>
    private void GiveBackRequest()
    {
        if (_sendsInFlight == 0 && State is SipTransactionState.Completed or SipTransactionState.Terminated)
        {
            _request = default;
            if (_rented is { } rented)
            {
                _rented = null;
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void OnTimerE()
    {
        _depth++;
        if (State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            Transmit();
            _eInterval = State == SipTransactionState.Trying
                ? TimeSpan.FromTicks(Math.Min(_eInterval.Ticks * 2, _context.Values.T2.Ticks))
                : _context.Values.T2;
            if (State is SipTransactionState.Trying or SipTransactionState.Proceeding)
            {
                _context.Timers.Set(_timerE, _eInterval);
            }
        }

        Leave();
    }

    private void OnTimerF()
    {
        _depth++;
        if (State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            Fail(SipClientFailure.Timeout, "no final response (Timer F)");
        }

        Leave();
    }

    private void Fail(SipClientFailure failure, string error)
    {
        if (State == SipTransactionState.Terminated)
        {
            return;
        }

        SipTransactionLog.ClientFailed(_context.Logger, Method, Destination.Remote, error);
        Terminate();
        Finish(SipClientResult.Failed(failure, error));
    }

    /// <summary>Gives the outcome, unless the caller's cancellation already did: then nobody will read the response.</summary>
    private void Finish(SipClientResult result)
    {
        if (Interlocked.Exchange(ref _outcomeGiven, 1) != 0)
        {
            result.Response?.Dispose();
            return;
        }

        if (!result.Succeeded)
        {
            _context.CountClientFailure();
        }

        // Removed before it ran: its hold goes now. Otherwise its callback runs or ran, and lets go of its hold itself.
        if (_cancellation.Unregister())
        {
            ReleaseHold();
        }

        _cancellation = default;
        _core.SetResult(result);
    }

    private void OnCancelled(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _outcomeGiven, 1) == 0)
        {
            _core.SetException(new OperationCanceledException(token));
        }

        ReleaseHold();
    }

    private void Terminate()
    {
        if (State == SipTransactionState.Terminated)
        {
            return;
        }

        State = SipTransactionState.Terminated;
        _timerE.Cancel();
        _timerF.Cancel();
        GiveBackRequest();
        if (_shard.Clients.TryGetValue(Key, out var current) && ReferenceEquals(current, this))
        {
            _shard.Clients.Remove(Key);
        }
    }

    /// <summary>Ends an event of this transaction on the shard; the outermost one lets go of the shard's hold once the
    /// transaction has ended and nothing of it is still queued.</summary>
    private void Leave()
    {
        if (--_depth == 0 && !_shardHoldReleased && State is SipTransactionState.Completed or SipTransactionState.Terminated
            && _sendsInFlight == 0 && _timerE.Pending == 0 && _timerF.Pending == 0)
        {
            ReleaseShardHold();
        }
    }

    private void ReleaseShardHold()
    {
        _shardHoldReleased = true;
        ReleaseHold();
    }

    private void ReleaseHold()
    {
        if (Interlocked.Decrement(ref _holds) != 0)
        {
            return;
        }

        _core.Reset();
        _cancellation = default;
        Key = default;
        Destination = default;
        _pool.Return(this);
    }
}
