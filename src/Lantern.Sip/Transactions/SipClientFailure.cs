namespace Lantern.Sip.Transactions;

/// <summary>Why a client transaction ended without a final response.</summary>
public enum SipClientFailure
{
    None = 0,
    Timeout,
    TransportError,
    Overloaded,
    Stopped,
}
