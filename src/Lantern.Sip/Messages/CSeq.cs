namespace Lantern.Sip.Messages;

/// <summary>The CSeq header: sequence number and method (RFC 3261 §20.16).</summary>
public readonly record struct CSeq(long Number, SipMethod Method, string MethodText)
{
    public override string ToString() => Number.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + MethodText;
}
