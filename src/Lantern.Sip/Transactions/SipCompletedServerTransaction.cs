using Lantern.Sip.Transport;

namespace Lantern.Sip.Transactions;

/// <summary>A non-INVITE server transaction in Completed over UDP (RFC 3261 §17.2.2): all Timer J needs is the key, the final
/// response bytes and where they go. It replaces the <see cref="SipServerTransaction"/> in the shard's table when the final
/// response goes out, so the request (pooled buffer, header table, parsed strings) is not kept for 64·T1 and promoted to gen2.</summary>
internal sealed class SipCompletedServerTransaction : ISipServerTransactionEntry
{
    private readonly SipTransactionShard _shard;
    private readonly SipTransactionContext _context;
    private readonly SipMergeKey? _mergeKey;
    private readonly ReadOnlyMemory<byte> _response;
    private readonly SipResponseChunk? _chunk;
    private readonly SipDestination _destination;

    public SipCompletedServerTransaction(SipTransactionShard shard, SipTransactionContext context, SipServerKey key, SipMergeKey? mergeKey,
        ReadOnlyMemory<byte> response, SipDestination destination)
    {
        _shard = shard;
        _context = context;
        Key = key;
        _mergeKey = mergeKey;
        // Copied into the shard's arena: the caller's array dies young instead of lingering 64·T1.
        _response = shard.Responses.Keep(response, out _chunk);
        _destination = destination;
    }

    public SipServerKey Key { get; }

    public bool IsTerminated { get; private set; }

    public void OnRetransmission()
    {
        if (!IsTerminated)
        {
            _context.Send(_shard, _response, _destination, null, null);
        }
    }

    /// <summary>The first transmission of the final response; a failed send ends the transaction.</summary>
    public void SendFirst() => _context.Send(_shard, _response, _destination, static (s, r) =>
    {
        if (!r.Succeeded)
        {
            var completed = (SipCompletedServerTransaction)s;
            SipTransactionLog.ResponseSendFailed(completed._context.Logger, r.Error);
            completed.Terminate();
        }
    }, this);

    /// <summary>Timer J fired, or the response could not be sent (on the shard).</summary>
    public void Terminate()
    {
        if (IsTerminated)
        {
            return;
        }

        IsTerminated = true;
        _shard.RemoveServer(Key, this, _mergeKey);
        _shard.Responses.Done(_chunk);
    }
}
