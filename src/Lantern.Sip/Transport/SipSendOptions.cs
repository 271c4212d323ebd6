namespace Lantern.Sip.Transport;

/// <summary>Extra facts about a message being sent: whether it is a request (a UDP request over 1300 bytes goes over TCP,
/// RFC 3261 §18.1.1) and the host name for TLS SNI and certificate checks.</summary>
public readonly record struct SipSendOptions(bool IsRequest = false, string? ServerName = null);
