namespace Lantern.Sip.Transactions;

/// <summary>Work a shard's <see cref="SerialExecutor"/> runs without a delegate: objects that post themselves (timers, transactions).</summary>
internal interface ISipShardWork
{
    /// <summary>Runs on the shard.</summary>
    void RunOnShard();
}
