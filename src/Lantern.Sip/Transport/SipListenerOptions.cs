using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>One listening socket: transport, address and port (0 picks a free one), and for TLS the certificate and key PEM files.</summary>
public sealed record SipListenerOptions
{
    public required SipTransportKind Transport { get; init; }

    public required IPAddress Address { get; init; }

    public int Port { get; init; } = 5060;

    public string? CertificatePath { get; init; }

    public string? KeyPath { get; init; }
}
