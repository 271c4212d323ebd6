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

    public SipOverloadOptions Overload { get; set; } = new();

    /// <summary>Digest algorithms challenged, in order: <c>SHA-256</c>, <c>MD5</c>. MD5 alone by default (decision 0007): phones
    /// whose SIP library rejects a 401 holding any non-MD5 challenge (baresip 1.0, old libre) cannot register otherwise.</summary>
    /// <remarks>Empty means the default; a non-empty default list would be appended to by the configuration binder.</remarks>
    public List<string> DigestAlgorithms { get; set; } = [];

    /// <summary>The algorithms in force: <see cref="DigestAlgorithms"/>, or MD5 alone when none are configured.</summary>
    public IReadOnlyList<string> EffectiveDigestAlgorithms => DigestAlgorithms.Count == 0 ? ["MD5"] : DigestAlgorithms;

    public ExpiryOptions Subscriptions { get; set; } = new();

    public ExpiryOptions Registrations { get; set; } = new();

    public UnsolicitedOptions Unsolicited { get; set; } = new();

    public AuthFailureOptions AuthFailures { get; set; } = new();

    /// <summary>Accept digest answers without <c>qop</c> (RFC 2069). Off: such answers carry no nonce-count, so a captured one could be
    /// replayed for the nonce's lifetime.</summary>
    public bool AllowDigestWithoutQop { get; set; }

    /// <summary>Digest nonces whose nonce-count is remembered until they expire; beyond it the earliest issued are answered stale.</summary>
    public int MaxTrackedNonces { get; set; } = 100_000;

    /// <summary>Addresses or CIDR ranges of proxies that already authenticated their users.</summary>
    public List<string> Trusted { get; set; } = [];

    /// <summary>SIP transactions alive at once; beyond it requests get 503. Completed UDP transactions stay 32 s (Timer J).</summary>
    public int MaxTransactions { get; set; } = 500_000;

    /// <summary>Idle TCP/TLS connections are closed after this long unless in use.</summary>
    public int IdleConnectionSeconds { get; set; } = 600;

    /// <summary>TCP/TLS connections open at once (inbound and outbound); lowered at start when the descriptor limit is smaller.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>TCP/TLS connections open at once from one address.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 100;

    /// <summary>Seconds a TCP/TLS peer has to send one whole message once it began (or, after connecting, its first); 0 disables.</summary>
    public int MessageTimeoutSeconds { get; set; } = 20;
}
