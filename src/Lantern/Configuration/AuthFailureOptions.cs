namespace Lantern.Configuration;

/// <summary>The built-in fail2ban, shared by SIP, the REST API and AMI: this many failures within the window bans the address.</summary>
public sealed class AuthFailureOptions
{
    public int Limit { get; set; } = 10;

    /// <summary>Failures for one user name, from any addresses, within the window that lock the user; 0 turns this off.</summary>
    public int UserLimit { get; set; } = 20;

    public int WindowSeconds { get; set; } = 60;

    public int BanSeconds { get; set; } = 300;

    /// <summary>REST logins count and are refused while banned. Turn off behind a reverse proxy, where every client shares its address.</summary>
    public bool Http { get; set; } = true;

    /// <summary>AMI logins count and are refused while banned.</summary>
    public bool Ami { get; set; } = true;

    /// <summary>The tracker's settings.</summary>
    public Lantern.Sip.Auth.AuthFailureOptions ToTracker() => new()
    {
        Limit = Limit,
        UserLimit = UserLimit,
        Window = TimeSpan.FromSeconds(WindowSeconds),
        BanTime = TimeSpan.FromSeconds(BanSeconds),
    };
}
