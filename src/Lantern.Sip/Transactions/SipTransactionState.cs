namespace Lantern.Sip.Transactions;

/// <summary>RFC 3261 §17 transaction states.</summary>
public enum SipTransactionState
{
    Trying = 0,
    Proceeding,
    Completed,
    Confirmed,
    Terminated,
}
