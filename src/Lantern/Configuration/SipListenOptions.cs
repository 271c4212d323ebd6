namespace Lantern.Configuration;

/// <summary>One SIP listener.</summary>
public sealed class SipListenOptions
{
    /// <summary><c>udp</c>, <c>tcp</c> or <c>tls</c>.</summary>
    public string Transport { get; set; } = "udp";

    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 5060;

    /// <summary>PEM certificate file (TLS only).</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key file (TLS only).</summary>
    public string? Key { get; set; }
}
