namespace Lantern.Sip.Auth;

/// <summary>The built-in fail2ban: <see cref="Limit"/> failures within <see cref="Window"/> ban an address for <see cref="BanTime"/>;
/// <see cref="UserLimit"/> failures for one user name, from any addresses, lock that user for as long.</summary>
public sealed record AuthFailureOptions
{
    public int Limit { get; init; } = 10;

    /// <summary>Failures per user name within the window; 0 turns per-user counting off.</summary>
    public int UserLimit { get; init; } = 20;

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan BanTime { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Addresses tracked at once; beyond it, finished entries are purged and then the oldest forgotten.</summary>
    public int MaxTrackedAddresses { get; init; } = 100_000;

    /// <summary>User names tracked at once, likewise.</summary>
    public int MaxTrackedUsers { get; init; } = 100_000;
}
