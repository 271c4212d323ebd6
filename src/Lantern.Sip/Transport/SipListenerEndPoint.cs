using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>A listener as bound: its transport and actual local endpoint (the real port when 0 was configured).</summary>
public readonly record struct SipListenerEndPoint(SipTransportKind Transport, IPEndPoint EndPoint);
