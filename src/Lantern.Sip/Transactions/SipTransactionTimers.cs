namespace Lantern.Sip.Transactions;

/// <summary>RFC 3261 timer base values: T1 (RTT estimate), T2 (max non-INVITE retransmit interval), T4 (max network lifetime).</summary>
public sealed record SipTransactionTimers(TimeSpan T1, TimeSpan T2, TimeSpan T4)
{
    public static SipTransactionTimers Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

    /// <summary>Timers F, H and J: 64·T1.</summary>
    public TimeSpan TimeoutInterval => T1 * 64;
}
