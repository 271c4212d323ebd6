namespace Lantern.Sip;

/// <summary>Names the SIP stack's assembly for reflection (dependency-rule tests).</summary>
public static class SipAssemblyMarker
{
}
