namespace Lantern.Sip.Transport;

/// <summary>The SIP transports Lantern speaks.</summary>
public enum SipTransportKind
{
    Udp = 0,
    Tcp = 1,
    Tls = 2,

    /// <summary>SIP over WebSocket (RFC 7118); inbound only, replies go back over the phone's connection.</summary>
    Ws = 3,

    /// <summary>SIP over secure WebSocket (RFC 7118).</summary>
    Wss = 4,
}
