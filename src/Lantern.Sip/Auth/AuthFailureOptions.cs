namespace Lantern.Sip.Auth;

/// <summary>The built-in fail2ban: <see cref="Limit"/> failures within <see cref="Window"/> ban an address for <see cref="BanTime"/>.</summary>
public sealed record AuthFailureOptions
{
    public int Limit { get; init; } = 10;

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan BanTime { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Addresses tracked at once; beyond it, finished entries are purged and then the oldest forgotten.</summary>
    public int MaxTrackedAddresses { get; init; } = 100_000;
}
