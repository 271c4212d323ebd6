using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>Where a received message came from: transport, remote and local addresses, and the stream connection (0 for UDP).</summary>
public readonly record struct SipSource(SipTransportKind Transport, IPEndPoint Remote, IPEndPoint Local, long ConnectionId);
