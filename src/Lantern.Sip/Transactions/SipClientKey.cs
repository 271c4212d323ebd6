using Lantern.Sip.Messages;

namespace Lantern.Sip.Transactions;

/// <summary>Client transaction key (RFC 3261 §17.1.3): branch and CSeq method, as a value. <see cref="MethodText"/> is set
/// only for methods the stack does not know.</summary>
internal readonly record struct SipClientKey(string Branch, SipMethod Method, string? MethodText)
{
    public static SipClientKey For(string branch, SipMethod method, string methodText) =>
        new(branch, method, method == SipMethod.Unknown ? methodText : null);
}
