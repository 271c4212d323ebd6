namespace Lantern.Sip.Transactions;

/// <summary>What a shard's server table holds under a transaction key: the live transaction, or once its final response went
/// out over UDP, the slim <see cref="SipCompletedServerTransaction"/> that absorbs retransmissions until Timer J.</summary>
internal interface ISipServerTransactionEntry
{
    /// <summary>A retransmission of the request arrived (on the shard).</summary>
    void OnRetransmission();
}
