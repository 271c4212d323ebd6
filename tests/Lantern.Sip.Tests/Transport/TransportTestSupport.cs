using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Transport;

/// <summary>Builders for transport tests: messages, started managers, a self-signed certificate in PEM files.</summary>
internal static class TransportTestSupport
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static byte[] Message(string marker, string body = "") => Encoding.ASCII.GetBytes(
        $"OPTIONS sip:{marker}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK{marker}\r\nCall-ID: {marker}\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\n\r\n{body}");

    public static SipListenerOptions Listener(SipTransportKind kind, IPAddress? address = null, string? cert = null, string? key = null) =>
        new() { Transport = kind, Address = address ?? IPAddress.Loopback, Port = 0, CertificatePath = cert, KeyPath = key };

    public static async Task<SipTransportManager> StartAsync(ISipMessageReceiver receiver, SipTransportOptions options, TimeProvider? time = null)
    {
        var manager = new SipTransportManager(options, time ?? TimeProvider.System);
        await manager.StartAsync(receiver, CancellationToken.None);
        return manager;
    }

    public static IPEndPoint EndPoint(this SipTransportManager manager, SipTransportKind kind)
    {
        foreach (var bound in manager.BoundEndPoints)
        {
            if (bound.Transport == kind)
            {
                return bound.EndPoint;
            }
        }

        throw new InvalidOperationException($"No {kind} listener");
    }

    public static async Task<string> ReadAsync(Stream stream, int atLeast)
    {
        var buffer = new byte[8192];
        var total = 0;
        using var cts = new CancellationTokenSource(Deadline);
        while (total < atLeast)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), cts.Token);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return Encoding.ASCII.GetString(buffer, 0, total);
    }

    /// <summary>Reads until the peer closes; true when it did before the deadline.</summary>
    public static async Task<bool> ReadToEndAsync(Stream stream)
    {
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            while (await stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public static bool Ipv6LoopbackAvailable()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A self-signed ECDSA certificate for localhost/127.0.0.1, written to PEM files in a fresh temp folder.</summary>
    public static (X509Certificate2 Certificate, string CertPath, string KeyPath) SelfSignedPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var folder = Directory.CreateTempSubdirectory("lantern-tls-");
        var certPath = Path.Combine(folder.FullName, "cert.pem");
        var keyPath = Path.Combine(folder.FullName, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (X509CertificateLoader.LoadCertificate(certificate.RawData), certPath, keyPath);
    }
}
