namespace Lantern.Sip.Transactions;

/// <summary>A completed server transaction in its shard's Timer J (or refusal) queue: its key and the merge key to let go with it.</summary>
internal readonly record struct SipCompletedServer(SipServerKey Key, SipMergeKey? MergeKey);
