using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>Where to send a message: a transport and address, and optionally a connection to prefer (responses over TCP/TLS, NAT'd phones).</summary>
public readonly record struct SipDestination(SipTransportKind Transport, IPEndPoint Remote, long ConnectionId = 0);
