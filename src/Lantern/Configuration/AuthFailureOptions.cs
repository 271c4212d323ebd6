namespace Lantern.Configuration;

/// <summary>The built-in fail2ban: this many failures within the window bans the address.</summary>
public sealed class AuthFailureOptions
{
    public int Limit { get; set; } = 10;

    public int WindowSeconds { get; set; } = 60;

    public int BanSeconds { get; set; } = 300;
}
