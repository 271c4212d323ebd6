using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Transactions;

/// <summary>A non-INVITE client transaction (RFC 3261 §17.1.2): Timer E retransmissions over UDP, Timer F timeout, Timer K
/// absorbing response retransmissions. Its outcome completes <see cref="Completion"/> exactly once. Once Completed over UDP
/// the shard's table holds only its key (<see cref="SipCompletedClientTransaction"/>) until Timer K, and the request bytes are let go.</summary>
internal sealed class SipClientTransaction : ISipClientTransactionEntry
{
    private readonly SipTransactionShard _shard;
    private readonly SipTransactionContext _context;
    private ReadOnlyMemory<byte> _request;
    private readonly bool _reliable;
    // Continuations run inline on the shard that received the response: the caller's next step (usually the next NOTIFY
    // of a subscription) then costs no thread-pool hop. Callers must not block in them.
    private readonly TaskCompletionSource<SipClientResult> _completion = new();
    private SipScheduledTimer? _timerE;
    private SipScheduledTimer? _timerF;
    private TimeSpan _eInterval;
    // The request's rented buffer (UDP only): given back once the transaction is done with it and no send still reads it.
    private byte[]? _rented;
    private int _sendsInFlight;

    public SipClientTransaction(SipTransactionShard shard, SipTransactionContext context, SipClientKey key, string method, ReadOnlyMemory<byte> request,
        SipDestination destination, byte[]? rented = null)
    {
        _rented = rented;
        _shard = shard;
        _context = context;
        Key = key;
        Method = method;
        _request = request;
        Destination = destination;
        _reliable = SipTransactionContext.IsReliable(destination.Transport);
    }

    public SipClientKey Key { get; }

    public string Method { get; }

    public SipDestination Destination { get; }

    /// <summary>The connection the request went out on (0 for UDP or before the first send completed).</summary>
    public long ConnectionId { get; private set; }

    public SipTransactionState State { get; private set; }

    public Task<SipClientResult> Completion => _completion.Task;

    /// <summary>Runs on the shard.</summary>
    public void Start()
    {
        if (_shard.IsFull)
        {
            Finish(SipClientResult.Failed(SipClientFailure.Overloaded, "transaction table full"));
            return;
        }

        _shard.Clients[Key] = this;
        State = SipTransactionState.Trying;
        Transmit();
        if (!_reliable)
        {
            _eInterval = _context.Values.T1;
            _timerE = _context.Schedule(_shard, _eInterval, OnTimerE);
        }

        _timerF = _context.Schedule(_shard, _context.Values.TimeoutInterval, OnTimerF);
    }

    public void OnResponse(SipMessage response)
    {
        if (State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            if (response.StatusCode < 200)
            {
                State = SipTransactionState.Proceeding;
                response.Dispose();
                return;
            }

            _timerE?.Cancel();
            _timerF?.Cancel();
            State = SipTransactionState.Completed;
            _request = default;
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

            _completion.TrySetResult(SipClientResult.Received(response));
            return;
        }

        // Completed: a retransmitted response is absorbed.
        response.Dispose();
    }

    /// <summary>The connection carrying this request closed before a final response.</summary>
    public void OnConnectionClosed(long connectionId)
    {
        if (connectionId != 0 && connectionId == ConnectionId && State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            Fail(SipClientFailure.TransportError, "connection closed");
        }
    }

    public void Stop() => Fail(SipClientFailure.Stopped, "stack stopped");

    private void Transmit()
    {
        _sendsInFlight++;
        _context.Send(_shard, _request, Destination, OnSent);
    }

    private void OnSent(SipSendResult r)
    {
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
    }

    /// <summary>Returns the rented request buffer once no retransmission can come (Completed or Terminated) and no send reads it.</summary>
    private void GiveBackRequest()
    {
        if (_rented is { } rented && _sendsInFlight == 0 && State is SipTransactionState.Completed or SipTransactionState.Terminated)
        {
            _rented = null;
            _request = default;
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void OnTimerE()
    {
        if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            return;
        }

        Transmit();
        _eInterval = State == SipTransactionState.Trying
            ? TimeSpan.FromTicks(Math.Min(_eInterval.Ticks * 2, _context.Values.T2.Ticks))
            : _context.Values.T2;
        _timerE = _context.Schedule(_shard, _eInterval, OnTimerE);
    }

    private void OnTimerF()
    {
        if (State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            Fail(SipClientFailure.Timeout, "no final response (Timer F)");
        }
    }

    private void Fail(SipClientFailure failure, string error)
    {
        if (State == SipTransactionState.Terminated)
        {
            return;
        }

        SipTransactionLog.ClientFailed(_context.Logger, Method, Destination.Remote, error);
        Finish(SipClientResult.Failed(failure, error));
        Terminate();
    }

    private void Finish(SipClientResult result) => _completion.TrySetResult(result);

    private void Terminate()
    {
        if (State == SipTransactionState.Terminated)
        {
            return;
        }

        State = SipTransactionState.Terminated;
        _timerE?.Cancel();
        _timerF?.Cancel();
        GiveBackRequest();
        if (_shard.Clients.TryGetValue(Key, out var current) && ReferenceEquals(current, this))
        {
            _shard.Clients.Remove(Key);
        }
    }
}
