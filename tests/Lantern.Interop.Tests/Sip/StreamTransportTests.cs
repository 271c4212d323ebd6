using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Sip;

/// <summary>TCP and TLS against the built server: framing errors answered then closed, keep-alive pongs, OPTIONS over TLS.</summary>
public sealed class StreamTransportTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static string Request(string method, string branch, string callId, string contentLength, string extra = "") =>
        $"{method} sip:ping@127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/TCP 127.0.0.1:5999;branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:t@127.0.0.1>;tag=st1\r\n" +
        "To: <sip:ping@127.0.0.1>\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: 1 {method}\r\n" +
        extra +
        contentLength +
        "\r\n";

    /// <summary>Reads until the server closes the connection (or the deadline passes, which fails the test).</summary>
    private static async Task<string> ReadToCloseAsync(Stream stream)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[8192];
        using var all = new MemoryStream();
        for (var reads = 0; reads < 1000; reads++)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, deadline.Token);
            }
            catch (IOException)
            {
                // A reset after the answer counts as a close too.
                break;
            }

            if (n == 0)
            {
                break;
            }

            all.Write(buffer, 0, n);
        }

        return Encoding.ASCII.GetString(all.ToArray());
    }

    /// <summary>Reads until <paramref name="marker"/> has arrived.</summary>
    private static async Task<string> ReadUntilAsync(Stream stream, string marker)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[8192];
        var text = new StringBuilder();
        for (var reads = 0; reads < 1000 && !text.ToString().Contains(marker, StringComparison.Ordinal); reads++)
        {
            var n = await stream.ReadAsync(buffer, deadline.Token);
            Assert.True(n > 0, "connection closed early; got: " + text);
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    private static async Task<NetworkStream> ConnectAsync(int port, TcpClient client)
    {
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Deadline);
        return client.GetStream();
    }

    [Fact]
    public async Task Tcp_RequestWithoutContentLength_400MissingContentLengthThenClose()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        using var client = new TcpClient();
        var stream = await ConnectAsync(server.SipPort, client);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "z9hG4bKnocl1", "nocl-1", "")));

        var text = await ReadToCloseAsync(stream);
        Assert.StartsWith("SIP/2.0 400 Missing Content-Length\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Call-ID: nocl-1\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_BodyOverLimit_413ThenClose()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        using var client = new TcpClient();
        var stream = await ConnectAsync(server.SipPort, client);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "z9hG4bKbig1", "big-1", "Content-Length: 20000\r\n")));

        var text = await ReadToCloseAsync(stream);
        Assert.StartsWith("SIP/2.0 413 Request Entity Too Large\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Call-ID: big-1\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_HeaderSectionOverLimit_513ThenClose()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        using var client = new TcpClient();
        var stream = await ConnectAsync(server.SipPort, client);
        var padding = new StringBuilder();
        for (var i = 0; i < 70; i++)
        {
            padding.Append("X-Pad: ").Append('a', 250).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "z9hG4bKhdr1", "hdr-1", "Content-Length: 0\r\n", padding.ToString())));

        var text = await ReadToCloseAsync(stream);
        Assert.StartsWith("SIP/2.0 513 Header Section Too Large\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Call-ID: hdr-1\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_CrlfCrlfPing_CrlfPongAndConnectionStaysUsable()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        using var client = new TcpClient();
        var stream = await ConnectAsync(server.SipPort, client);
        await stream.WriteAsync("\r\n\r\n"u8.ToArray());

        using var deadline = new CancellationTokenSource(Deadline);
        var pong = new byte[2];
        await stream.ReadExactlyAsync(pong, deadline.Token);
        Assert.Equal("\r\n"u8.ToArray(), pong);

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "z9hG4bKka1", "ka-1", "Content-Length: 0\r\n")));
        var text = await ReadUntilAsync(stream, "\r\n\r\n");
        Assert.StartsWith("SIP/2.0 200 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_SipVersion3_505ThenConnectionStillServes()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        using var client = new TcpClient();
        var stream = await ConnectAsync(server.SipPort, client);
        var wrong = Request("OPTIONS", "z9hG4bKv3", "v3-1", "Content-Length: 0\r\n").Replace("127.0.0.1 SIP/2.0\r\n", "127.0.0.1 SIP/3.0\r\n", StringComparison.Ordinal);
        Assert.Contains(" SIP/3.0\r\n", wrong, StringComparison.Ordinal);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(wrong));
        var text = await ReadUntilAsync(stream, "\r\n\r\n");
        Assert.StartsWith("SIP/2.0 505 Unsupported SIP Version\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Call-ID: v3-1\r\n", text, StringComparison.Ordinal);

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "z9hG4bKv2", "v2-1", "Content-Length: 0\r\n")));
        text = await ReadUntilAsync(stream, "Call-ID: v2-1");
        Assert.StartsWith("SIP/2.0 200 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_OptionsOverSelfSignedListener_200()
    {
        var directory = Directory.CreateTempSubdirectory("lantern-interop-tls-").FullName;
        var (certPath, keyPath, certificate) = WriteSelfSignedPem(directory);
        using (certificate)
        {
            var config = TestConfigs.WithTls
                .Replace("{CERT}", certPath, StringComparison.Ordinal)
                .Replace("{KEY}", keyPath, StringComparison.Ordinal);
            await using var server = await LanternProcess.StartAsync(config, directory);
            using var client = new TcpClient();
            var network = await ConnectAsync(server.TlsPort, client);
            var expected = certificate.GetCertHash();
            await using var tls = new SslStream(network, leaveInnerStreamOpen: false,
                (_, presented, _, _) => presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(expected));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }).WaitAsync(Deadline);

            var request = Request("OPTIONS", "z9hG4bKtls1", "tls-1", "Content-Length: 0\r\n").Replace("SIP/2.0/TCP", "SIP/2.0/TLS", StringComparison.Ordinal);
            await tls.WriteAsync(Encoding.ASCII.GetBytes(request));
            var text = await ReadUntilAsync(tls, "\r\n\r\n");
            Assert.StartsWith("SIP/2.0 200 ", text, StringComparison.Ordinal);
            Assert.Contains("Call-ID: tls-1\r\n", text, StringComparison.Ordinal);
            Assert.Contains("Allow-Events: message-summary", text, StringComparison.Ordinal);
        }
    }

    /// <summary>Writes a self-signed localhost certificate and its key as PEM files into <paramref name="directory"/>.</summary>
    internal static (string CertPath, string KeyPath, X509Certificate2 Certificate) WriteSelfSignedPem(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, certificate);
    }
}
