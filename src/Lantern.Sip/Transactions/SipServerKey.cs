using Lantern.Sip.Messages;

namespace Lantern.Sip.Transactions;

/// <summary>Server transaction key (RFC 3261 §17.2.3): branch, sent-by, CSeq number and method, as a value (no string per request).
/// <see cref="MethodText"/> is set only for methods the stack does not know.</summary>
internal readonly record struct SipServerKey(string Branch, string Host, int Port, long CSeq, SipMethod Method, string? MethodText)
{
    /// <summary>The INVITE transaction a CANCEL (same branch, sent-by and CSeq number) refers to.</summary>
    public SipServerKey ForInvite => this with { Method = SipMethod.Invite, MethodText = null };
}
