namespace Lantern.Sip.Transactions;

/// <summary>A shard's idle client transactions: each NOTIFY reuses one (its completion source, timers and delegates) instead of
/// allocating them. Rented by any sending thread, returned by whichever thread lets go of a transaction last.</summary>
internal sealed class SipClientTransactionPool(SipTransactionShard shard, SipTransactionContext context)
{
    // Beyond this many idle ones (a burst's worth), returned transactions are left to the GC.
    private const int KeptIdle = 256;
    private readonly Stack<SipClientTransaction> _idle = new();
    private readonly Lock _gate = new();

    public int Idle
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    public SipClientTransaction Rent()
    {
        lock (_gate)
        {
            if (_idle.TryPop(out var tx))
            {
                return tx;
            }
        }

        return new SipClientTransaction(shard, context, this);
    }

    /// <summary>Called once per use, when neither the caller nor the shard can touch <paramref name="tx"/> any more.</summary>
    public void Return(SipClientTransaction tx)
    {
        lock (_gate)
        {
            if (_idle.Count < KeptIdle)
            {
                _idle.Push(tx);
            }
        }
    }
}
