using Lantern.Sip.Messages;

namespace Lantern.Sip.Transactions;

/// <summary>What a shard's client table holds under a transaction key: the live transaction, or once its final response arrived
/// over UDP, <see cref="SipCompletedClientTransaction.Instance"/> absorbing response retransmissions until Timer K.</summary>
internal interface ISipClientTransactionEntry
{
    /// <summary>A response for this key arrived (on the shard); the entry owns it.</summary>
    void OnResponse(SipMessage response);

    /// <summary>The connection with this id closed.</summary>
    void OnConnectionClosed(long connectionId);

    /// <summary>The stack is stopping.</summary>
    void Stop();
}
