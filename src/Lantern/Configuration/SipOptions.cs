namespace Lantern.Configuration;

/// <summary><c>sip</c>: listeners, timers, expiry ranges, auth policy.</summary>
public sealed class SipOptions
{
    /// <summary>The SIP domain: realm for digest auth and host of <c>Message-Account</c>.</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>Digest realm; null means <see cref="Domain"/>. Set it when imported HA1 hashes were made with another realm.</summary>
    public string? Realm { get; set; }

    /// <summary>The realm in effect.</summary>
    public string EffectiveRealm => string.IsNullOrEmpty(Realm) ? Domain : Realm;

    /// <summary>Listeners; empty means UDP and TCP on 127.0.0.1:5060.</summary>
    public List<SipListenOptions> Listen { get; set; } = [];

    public SipTimerOptions Timers { get; set; } = new();

    public ExpiryOptions Subscriptions { get; set; } = new();

    public ExpiryOptions Registrations { get; set; } = new();

    public UnsolicitedOptions Unsolicited { get; set; } = new();

    public AuthFailureOptions AuthFailures { get; set; } = new();

    /// <summary>Addresses or CIDR ranges of proxies that already authenticated their users.</summary>
    public List<string> Trusted { get; set; } = [];

    /// <summary>Idle TCP/TLS connections are closed after this long unless in use.</summary>
    public int IdleConnectionSeconds { get; set; } = 600;
}
