namespace Lantern.Configuration;

/// <summary>One SIP listener.</summary>
public sealed class SipListenOptions
{
    /// <summary><c>udp</c>, <c>tcp</c>, <c>tls</c>, <c>ws</c> or <c>wss</c> (SIP over WebSocket, RFC 7118).</summary>
    public string Transport { get; set; } = "udp";

    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 5060;

    /// <summary>PEM certificate file (TLS and WSS).</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key file (TLS and WSS).</summary>
    public string? Key { get; set; }

    /// <summary>WS/WSS: the browser origins (<c>https://phone.example.com</c>) allowed to connect; empty allows any.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
