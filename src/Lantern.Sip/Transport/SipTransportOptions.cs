using System.Security.Cryptography.X509Certificates;
using Lantern.Sip.Messages;

namespace Lantern.Sip.Transport;

/// <summary>Listeners, limits and timeouts of <see cref="SipTransportManager"/>.</summary>
public sealed record SipTransportOptions
{
    public IReadOnlyList<SipListenerOptions> Listeners { get; init; } = [];

    public SipFramerLimits Limits { get; init; } = SipFramerLimits.Default;

    /// <summary>Stream connections with no traffic for this long are closed unless marked in use; zero or infinite turns it off.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Bound on receiving one whole message over TCP/TLS, from its first byte (inbound: from the connect when nothing came
    /// yet); a peer slower than this loses its connection. Zero or infinite turns it off.</summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on a TLS handshake, inbound or outbound.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bound on one write; a peer that does not read loses its connection.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a framing error answer may take before the connection closes.</summary>
    public TimeSpan ErrorResponseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public int MaxConnections { get; init; } = 10_000;

    public int MaxConnectionsPerAddress { get; init; } = 100;

    /// <summary>UDP requests larger than this go over TCP (RFC 3261 §18.1.1).</summary>
    public int MaxUdpRequestBytes { get; init; } = 1300;

    /// <summary>Concurrent receive loops per UDP socket.</summary>
    public int UdpReceiveLoops { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>SO_RCVBUF/SO_SNDBUF asked for each UDP socket; zero keeps the OS default. The default (about 212 KB on Linux)
    /// holds only ~150 small datagrams: a burst of 5,000 OPTIONS/s overflowed it while a receive loop was descheduled.</summary>
    public int UdpSocketBufferBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>An extra certificate trusted as a TLS server certificate (tests, private deployments), besides the system's trust.</summary>
    public X509Certificate2? TrustedServerCertificate { get; init; }

    /// <summary>Skips TLS server certificate validation entirely; for labs only.</summary>
    public bool SkipServerCertificateValidation { get; init; }
}
