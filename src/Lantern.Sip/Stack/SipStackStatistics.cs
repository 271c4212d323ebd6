namespace Lantern.Sip.Stack;

/// <summary>Counters of what the stack refused or lost.</summary>
public readonly record struct SipStackStatistics(long Dropped, long Overloaded, long Rejected, long ClientFailures);
