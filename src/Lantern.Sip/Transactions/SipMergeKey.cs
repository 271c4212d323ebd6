namespace Lantern.Sip.Transactions;

/// <summary>RFC 3261 §8.2.2.2: From tag, Call-ID and CSeq identify a request that may arrive over several paths.</summary>
internal readonly record struct SipMergeKey(string FromTag, string CallId, long CSeq, string Method);
