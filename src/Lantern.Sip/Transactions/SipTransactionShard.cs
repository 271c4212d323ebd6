using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Transactions;

/// <summary>One serial owner of a slice of transactions (sharded by Call-ID): its tables are touched only on its executor.</summary>
internal sealed class SipTransactionShard
{
    private readonly HashSet<SipServerKey> _queuedNew = [];
    private readonly Lock _queuedGate = new();
    private readonly SipTransactionContext _context;
    private long _lastQueueDelayTicks;

    public SipTransactionShard(int maxTransactions, int maxQueued, SipTransactionContext context)
    {
        MaxTransactions = maxTransactions;
        Executor = new SerialExecutor(maxQueued, context.Logger);
        ClientPool = new SipClientTransactionPool(this, context);
        TimerJ = new SipLingerQueue<SipCompletedServer>(this, ExpireCompleted);
        TimerK = new SipLingerQueue<SipClientKey>(this, ExpireCompletedClient);
        Deadlines = new SipLingerQueue<SipServerKey>(this, ExpireUnanswered);
        _context = context;
        Refused = new SipLingerQueue<SipCompletedServer>(this, ExpireCompleted);
    }

    public SerialExecutor Executor { get; }

    /// <summary>Idle client transactions of this shard, reused by each request sent.</summary>
    public SipClientTransactionPool ClientPool { get; }

    /// <summary>Where completed UDP server transactions keep their final response until Timer J.</summary>
    public SipResponseArena Responses { get; } = new();

    /// <summary>Tags and branches for this shard's transactions.</summary>
    public SipIdentifierSource Identifiers { get; } = new();

    public Dictionary<SipServerKey, SipServerSlot> Servers { get; } = [];

    public Dictionary<SipServerKey, SipInviteServerTransaction> Invites { get; } = [];

    public Dictionary<SipClientKey, ISipClientTransactionEntry> Clients { get; } = [];

    public Dictionary<SipMergeKey, SipServerKey> Merged { get; } = [];

    /// <summary>Completed non-INVITE server transactions over UDP, until Timer J.</summary>
    public SipLingerQueue<SipCompletedServer> TimerJ { get; }

    /// <summary>New requests refused 503 at their turn over UDP, until T4: their retransmissions get the same 503.</summary>
    public SipLingerQueue<SipCompletedServer> Refused { get; }

    /// <summary>Keys of server transactions, until 64·T1 after they started: one still unanswered then is dropped.</summary>
    public SipLingerQueue<SipServerKey> Deadlines { get; }

    /// <summary>Keys of completed non-INVITE client transactions over UDP, until Timer K.</summary>
    public SipLingerQueue<SipClientKey> TimerK { get; }

    public int MaxTransactions { get; }

    public bool IsFull => Servers.Count + Invites.Count + Clients.Count >= MaxTransactions;

    /// <summary>How long the last new request handled here waited for its turn (stopwatch ticks of its TimeProvider).</summary>
    public long LastQueueDelayTicks
    {
        get => Volatile.Read(ref _lastQueueDelayTicks);
        set => Volatile.Write(ref _lastQueueDelayTicks, value);
    }

    /// <summary>Notes a new request (by server key) as queued; false when that same request is already waiting, i.e. this is
    /// a retransmission of it, which is then absorbed instead of queued a second time.</summary>
    public bool TryMarkQueued(SipServerKey key)
    {
        lock (_queuedGate)
        {
            return _queuedNew.Add(key);
        }
    }

    /// <summary>The request's turn came (or it was refused): retransmissions from now on meet its transaction.</summary>
    public void UnmarkQueued(SipServerKey key)
    {
        lock (_queuedGate)
        {
            _queuedNew.Remove(key);
        }
    }

    /// <summary>A request with this key is in the table: a retransmission, answered with the last response if there is one.</summary>
    public bool TryAbsorb(SipServerKey key)
    {
        if (!Servers.TryGetValue(key, out var slot))
        {
            return false;
        }

        if (slot.Live is { } live)
        {
            live.OnRetransmission();
        }
        else
        {
            _context.Send(this, slot.Response, slot.Destination, null, null);
        }

        return true;
    }

    /// <summary>Puts a final response sent over UDP in the table under <paramref name="key"/> (in place of the live transaction,
    /// when given and still there) until <paramref name="lifetime"/> from now, and sends it. The bytes are copied into the
    /// shard's arena: the caller's buffer may be reused once this returns.</summary>
    public void Complete(SipServerKey key, SipServerTransaction? live, SipMergeKey? mergeKey, ReadOnlyMemory<byte> response,
        SipDestination destination, SipLingerQueue<SipCompletedServer> queue, TimeSpan lifetime)
    {
        if (live is not null && !(Servers.TryGetValue(key, out var current) && ReferenceEquals(current.Live, live)))
        {
            // Its slot was already taken from it (it ended): nothing to keep; the response still goes out once.
            _context.Send(this, response, destination, null, null);
            RemoveMerge(key, mergeKey);
            return;
        }

        var kept = Responses.Keep(response, out var chunk);
        var due = queue.Add(new SipCompletedServer(key, mergeKey), _context, lifetime);
        Servers[key] = new SipServerSlot(null, kept, chunk, destination, due);
        if (_context.SendNow(this, kept, destination) is { Succeeded: false } failed)
        {
            // The response could not be sent (e.g. no route): the transaction ends now rather than absorbing for 64·T1.
            SipTransactionLog.ResponseSendFailed(_context.Logger, failed.Error);
            ExpireCompleted(new SipCompletedServer(key, mergeKey), due);
        }
    }

    /// <summary>Drops a live server transaction's table slot and merge key, where they are still its own (a newer entry may
    /// have taken the slot).</summary>
    public void RemoveServer(SipServerKey key, SipServerTransaction live, SipMergeKey? mergeKey)
    {
        if (Servers.TryGetValue(key, out var current) && ReferenceEquals(current.Live, live))
        {
            Servers.Remove(key);
        }

        RemoveMerge(key, mergeKey);
    }

    private void RemoveMerge(SipServerKey key, SipMergeKey? mergeKey)
    {
        if (mergeKey is { } mk && Merged.TryGetValue(mk, out var k) && k.Equals(key))
        {
            Merged.Remove(mk);
        }
    }

    private void ExpireCompleted(SipCompletedServer completed) => ExpireCompleted(completed, _context.Timers.NowTicks);

    /// <summary>Ends a completed entry whose time is up at <paramref name="now"/> (Timer J, T4 for a refusal, or a failed send).</summary>
    private void ExpireCompleted(SipCompletedServer completed, long now)
    {
        if (Servers.TryGetValue(completed.Key, out var slot) && slot.Live is null && slot.Due <= now)
        {
            Servers.Remove(completed.Key);
            Responses.Done(slot.Chunk);
        }

        RemoveMerge(completed.Key, completed.MergeKey);
    }

    /// <summary>Server transaction key (RFC 3261 §17.2.3): branch, sent-by, CSeq number and method, with ACK matching its
    /// INVITE. The CSeq number is not in §17.2.3, but some notifiers (Asterisk chan_sip) reuse one branch for every in-dialog
    /// request of a dialog; without it each new request within Timer J would be taken for a retransmission and answered
    /// with the cached response of the previous one. A genuine retransmission repeats the CSeq, so it still matches.
    /// CANCEL and ACK carry the CSeq number of their INVITE, so only the method part differs from the INVITE's key.</summary>
    public static SipServerKey ServerKey(SipMessage request)
    {
        var method = request.Method == SipMethod.Ack ? SipMethod.Invite : request.Method;
        var branch = request.TopViaBranch;
        if (branch.Length == 0)
        {
            // RFC 2543 client without a branch: Call-ID and From tag stand in for it (RFC 3261 §17.2.3).
            branch = string.Concat("2543|", request.CallId, "|", request.FromTag);
        }

        return new SipServerKey(branch, request.TopViaHost, request.TopViaPort, request.CSeq.Number, method,
            method == SipMethod.Unknown ? request.MethodText : null);
    }


    private void ExpireUnanswered(SipServerKey key)
    {
        if (Servers.TryGetValue(key, out var slot) && slot.Live is { } tx)
        {
            tx.OnDeadline(_context.Timers.NowTicks);
        }
    }

    private void ExpireCompletedClient(SipClientKey key)
    {
        if (Clients.TryGetValue(key, out var entry) && ReferenceEquals(entry, SipCompletedClientTransaction.Instance))
        {
            Clients.Remove(key);
        }
    }
}
