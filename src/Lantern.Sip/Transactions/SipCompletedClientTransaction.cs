using Lantern.Sip.Messages;

namespace Lantern.Sip.Transactions;

/// <summary>A non-INVITE client transaction in Completed (RFC 3261 §17.1.2.2) needs nothing but its key: it only absorbs
/// retransmitted final responses until Timer K. One stateless instance stands for all of them, so the request bytes, the
/// completion and the timers of the finished transaction are garbage while still young.</summary>
internal sealed class SipCompletedClientTransaction : ISipClientTransactionEntry
{
    private SipCompletedClientTransaction()
    {
    }

    public static SipCompletedClientTransaction Instance { get; } = new();

    public void OnResponse(SipMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Dispose();
    }

    public void OnConnectionClosed(long connectionId)
    {
    }

    public void Stop()
    {
    }
}
