namespace Lantern.Configuration;

/// <summary>RFC 3261 timer base values.</summary>
public sealed class SipTimerOptions
{
    public int T1Ms { get; set; } = 500;

    public int T2Ms { get; set; } = 4000;

    public int T4Ms { get; set; } = 5000;
}
