namespace Lantern.Sip.Transport;

/// <summary>The SIP transports Lantern speaks.</summary>
public enum SipTransportKind
{
    Udp = 0,
    Tcp = 1,
    Tls = 2,
}
