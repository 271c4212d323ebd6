using System.Net;

namespace Lantern.Sip.Transport;

/// <summary>One listening socket: transport, address and port (0 picks a free one), for TLS and WSS the certificate and key PEM
/// files, for WS and WSS the origins allowed.</summary>
public sealed record SipListenerOptions
{
    public required SipTransportKind Transport { get; init; }

    public required IPAddress Address { get; init; }

    public int Port { get; init; } = 5060;

    public string? CertificatePath { get; init; }

    public string? KeyPath { get; init; }

    /// <summary>WS/WSS: the <c>Origin</c> values a handshake may carry (exact, case-insensitive); empty allows any. A handshake
    /// without <c>Origin</c> (not a browser) is accepted.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Whether the transport is TLS underneath (TLS and WSS).</summary>
    internal bool IsSecure => Transport is SipTransportKind.Tls or SipTransportKind.Wss;
}
