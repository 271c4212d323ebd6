using System.Buffers;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Transactions;

/// <summary>A non-INVITE server transaction (RFC 3261 §17.2.2) handed to a request handler, which answers through it.
/// <see cref="Respond(SipMessageBuilder)"/> may be called from any thread; retransmitted requests are absorbed and the last
/// response is resent; Timer J keeps it (64·T1 over UDP, none over TCP/TLS). Once the final response is out over UDP, the
/// shard's table holds only a <see cref="SipServerSlot"/> value instead: this object (and the request) lives only as long
/// as its handler holds it.</summary>
public sealed class SipServerTransaction : ISipShardWork
{
    private readonly SipTransactionShard _shard;
    private readonly SipTransactionContext _context;
    // For logs after the request went back to the pool.
    private readonly string _method;
    private SipMergeKey? _mergeKey;
    private int _finalGiven;
    private int _releaseVotes;
    private ReadOnlyMemory<byte> _lastResponse;
    private long _deadlineTicks;
    private Action<long>? _onFinal;
    private long _receivedAt;
    // The final response handed from Respond (any thread) to the shard: the transaction posts itself, no closure per response.
    private ReadOnlyMemory<byte> _finalBytes;
    private byte[]? _finalRented;

    internal SipServerTransaction(SipTransactionShard shard, SipTransactionContext context, SipServerKey key, SipMessage request, SipSource source,
        SipDestination responseDestination, SipMergeKey? mergeKey)
    {
        _shard = shard;
        _context = context;
        Key = key;
        Request = request;
        Source = source;
        ResponseDestination = responseDestination;
        _mergeKey = mergeKey;
        LocalTag = request.ToTag ?? shard.Identifiers.NewTag();
        _method = request.MethodText;
    }

    public SipMessage Request { get; }

    public SipSource Source { get; }

    /// <summary>Where responses go (RFC 3261 §18.2.2, RFC 3581).</summary>
    public SipDestination ResponseDestination { get; }

    /// <summary>The To tag responses carry: the request's own, or a fresh one for a request outside a dialog.</summary>
    public string LocalTag { get; }

    /// <summary>Only touched on the shard.</summary>
    public SipTransactionState State { get; private set; }

    public bool HasFinalResponse => Volatile.Read(ref _finalGiven) != 0;

    internal SipServerKey Key { get; }

    /// <summary>Has <paramref name="onFinal"/> called once, with <paramref name="receivedAt"/>, when the final response is given or
    /// the transaction ends without one: admission control counts what it admitted until it is answered.</summary>
    internal void OnFinal(Action<long> onFinal, long receivedAt)
    {
        _receivedAt = receivedAt;
        _onFinal = onFinal;
    }

    /// <summary>A response to the request with Via/From/To(+<see cref="LocalTag"/>)/Call-ID/CSeq filled in; add headers and pass it to
    /// Respond. Its buffers are pooled: once passed to Respond it is spent, and using it again throws ObjectDisposedException.</summary>
    public SipMessageBuilder CreateResponse(int statusCode, string? reasonPhrase = null) =>
        SipMessageBuilder.ResponseTo(Request, statusCode, reasonPhrase, LocalTag, pooled: true);

    public bool Respond(int statusCode, string? reasonPhrase = null)
    {
        if (HasFinalResponse)
        {
            // The request may already have been released; nothing would be sent anyway.
            SipTransactionLog.SecondFinalIgnored(_context.Logger, _method);
            return false;
        }

        return Respond(CreateResponse(statusCode, reasonPhrase));
    }

    /// <summary>Sends a response. Returns false (and sends nothing) when a final response was already given.</summary>
    public bool Respond(SipMessageBuilder response)
    {
        if (!TryGive(response, out var bytes, out var final, out var rented))
        {
            return false;
        }

        if (final)
        {
            // Written before the post, whose lock makes them visible to the shard.
            _finalBytes = bytes;
            _finalRented = rented;
            _shard.Executor.TryPost(this);
        }
        else
        {
            PostProvisional(bytes);
        }

        Given(final);
        return true;
    }

    // A method of its own: a lambda in Respond would allocate its captured variables on every call, final responses too.
    private void PostProvisional(ReadOnlyMemory<byte> bytes) => _shard.Executor.TryPost(() => SendResponse(bytes, final: false, null));

    /// <summary>The final response given by <see cref="Respond(SipMessageBuilder)"/>, on the shard.</summary>
    void ISipShardWork.RunOnShard()
    {
        var bytes = _finalBytes;
        var rented = _finalRented;
        _finalBytes = default;
        _finalRented = null;
        SendResponse(bytes, final: true, rented);
    }

    /// <summary>Sends a response, then runs <paramref name="afterSent"/> on the transaction's shard once the response is handed to
    /// the transport (or the transaction has already ended), so whatever it sends leaves after the response. Returns false (and runs nothing) when a final response was
    /// already given.</summary>
    public bool Respond<TState>(SipMessageBuilder response, Action<TState> afterSent, TState state)
    {
        ArgumentNullException.ThrowIfNull(afterSent);
        if (!TryGive(response, out var bytes, out var final, out var rented))
        {
            return false;
        }

        // The shard runs its work in order, and SendResponse hands the bytes to the transport before it returns.
        _shard.Executor.TryPost(() =>
        {
            SendResponse(bytes, final, rented);
            afterSent(state);
        });
        Given(final);
        return true;
    }

    /// <summary>Serializes the response. A final one over UDP goes into a rented buffer (<paramref name="rented"/>): the shard
    /// copies it into its response arena for Timer J and gives the buffer back, so no array per response.</summary>
    private bool TryGive(SipMessageBuilder response, out ReadOnlyMemory<byte> bytes, out bool final, out byte[]? rented)
    {
        ArgumentNullException.ThrowIfNull(response);
        final = response.StatusCode >= 200;
        rented = null;
        if (final ? Interlocked.Exchange(ref _finalGiven, 1) != 0 : HasFinalResponse)
        {
            SipTransactionLog.SecondFinalIgnored(_context.Logger, _method);
            bytes = default;
            return false;
        }

        if (final && !SipTransactionContext.IsReliable(ResponseDestination.Transport))
        {
            var length = SipMessageWriter.GetByteCount(response);
            rented = ArrayPool<byte>.Shared.Rent(length);
            bytes = rented.AsMemory(0, SipMessageWriter.Write(response, rented.AsSpan(0, length)));
        }
        else
        {
            bytes = response.ToArray();
        }

        response.ReturnBuffers();
        return true;
    }

    private void Given(bool final)
    {
        if (final)
        {
            Finished();
            ReleaseRequestVote();
        }
    }

    /// <summary>Called once by the stack when the handler is finished with the request. With the final response given too,
    /// the request goes back to the stack's message pool; reading it afterwards throws ObjectDisposedException.</summary>
    internal void ReleaseRequestVote()
    {
        if (Interlocked.Increment(ref _releaseVotes) == 2)
        {
            Request.Dispose();
        }
    }

    /// <summary>A retransmission of the request arrived (on the shard).</summary>
    internal void OnRetransmission()
    {
        if (State is SipTransactionState.Proceeding && !_lastResponse.IsEmpty)
        {
            _context.Send(_shard, _lastResponse, ResponseDestination, null, null);
        }
    }

    internal void Register()
    {
        _shard.Servers[Key] = new SipServerSlot(this, default, null, default, 0);
        if (_mergeKey is { } mk)
        {
            _shard.Merged[mk] = Key;
        }

        // The client gives up after Timer F (64·T1); a handler that never answers must not hold a table slot longer.
        // Every deadline is the same 64·T1, so the shard keeps them in a FIFO of keys: no timer object per request, and an
        // answered transaction is not held by it (the key finds the table's current entry when due).
        _deadlineTicks = _shard.Deadlines.Add(Key, _context, _context.Values.TimeoutInterval);
    }

    /// <summary>The deadline queued for this transaction's key fell due (on the shard); <paramref name="now"/> tells an earlier
    /// transaction's deadline under the same key from this one's.</summary>
    internal void OnDeadline(long now)
    {
        if (now >= _deadlineTicks && State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            SipTransactionLog.Unanswered(_context.Logger, _method);
            Terminate();
        }
    }

    private void SendResponse(ReadOnlyMemory<byte> bytes, bool final, byte[]? rented)
    {
        if (State is SipTransactionState.Completed or SipTransactionState.Terminated)
        {
            ReturnRented(rented);
            return;
        }

        if (!final)
        {
            _lastResponse = bytes;
            State = SipTransactionState.Proceeding;
            Send(bytes, terminateOnFailure: true);
            return;
        }

        _lastResponse = default;
        if (SipTransactionContext.IsReliable(ResponseDestination.Transport))
        {
            State = SipTransactionState.Completed;
            Send(bytes, terminateOnFailure: false);
            Terminate();
            return;
        }

        // Hand the table slot (and the merge key) to the completed entry: nothing in the shard refers to this object or its
        // request any more, so they die young with the handler instead of lingering 64·T1.
        var mergeKey = _mergeKey;
        _mergeKey = null;
        State = SipTransactionState.Completed;
        _shard.Complete(Key, this, mergeKey, bytes, ResponseDestination, _shard.TimerJ, _context.Values.TimeoutInterval);
        ReturnRented(rented);
    }

    private static void ReturnRented(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Send(ReadOnlyMemory<byte> bytes, bool terminateOnFailure) =>
        _context.Send(_shard, bytes, ResponseDestination, terminateOnFailure ? TerminateOnFailure : LogFailure, this);

    private static void TerminateOnFailure(object state, SipSendResult r)
    {
        LogFailure(state, r);
        if (!r.Succeeded)
        {
            ((SipServerTransaction)state).Terminate();
        }
    }

    private static void LogFailure(object state, SipSendResult r)
    {
        if (!r.Succeeded)
        {
            SipTransactionLog.ResponseSendFailed(((SipServerTransaction)state)._context.Logger, r.Error);
        }
    }

    private void Terminate()
    {
        if (State == SipTransactionState.Terminated)
        {
            return;
        }

        State = SipTransactionState.Terminated;
        _shard.RemoveServer(Key, this, _mergeKey);
        Finished();
    }

    private void Finished() => Interlocked.Exchange(ref _onFinal, null)?.Invoke(_receivedAt);
}
