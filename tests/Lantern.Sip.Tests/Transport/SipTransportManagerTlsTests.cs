using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Lantern.Sip.Transport;
using static Lantern.Sip.Tests.Transport.TransportTestSupport;

namespace Lantern.Sip.Tests.Transport;

public sealed class SipTransportManagerTlsTests
{
    [Fact]
    public async Task SendAsync_TlsWithTrustedCertificate_DeliveredAndAnsweredOverSameConnection()
    {
        var (certificate, certPath, keyPath) = SelfSignedPem();
        using var _ = certificate;
        var serverReceiver = new RecordingReceiver();
        var clientReceiver = new RecordingReceiver();
        await using var server = await StartAsync(serverReceiver, new SipTransportOptions { Listeners = [Listener(SipTransportKind.Tls, cert: certPath, key: keyPath)] });
        await using var client = await StartAsync(clientReceiver, new SipTransportOptions { TrustedServerCertificate = certificate });
        var destination = new SipDestination(SipTransportKind.Tls, server.EndPoint(SipTransportKind.Tls));
        var sent = await client.SendAsync(Message("tls"), destination, new SipSendOptions(IsRequest: true, ServerName: "localhost"), CancellationToken.None);
        Assert.True(sent.Succeeded, sent.Error);
        var (text, source) = await serverReceiver.NextAsync();
        Assert.StartsWith("OPTIONS sip:tls@", text, StringComparison.Ordinal);
        Assert.Equal(SipTransportKind.Tls, source.Transport);
        var reply = await server.SendAsync(Message("tls-reply"), new SipDestination(SipTransportKind.Tls, source.Remote, source.ConnectionId), CancellationToken.None);
        Assert.True(reply.Succeeded, reply.Error);
        var (_, back) = await clientReceiver.NextAsync();
        Assert.Equal(sent.ConnectionId, back.ConnectionId);
        Assert.Equal(SipTransportKind.Tls, back.Transport);
    }

    [Fact]
    public async Task SendAsync_TlsUntrustedCertificate_Fails()
    {
        var (certificate, certPath, keyPath) = SelfSignedPem();
        using var _ = certificate;
        var serverReceiver = new RecordingReceiver();
        await using var server = await StartAsync(serverReceiver, new SipTransportOptions { Listeners = [Listener(SipTransportKind.Tls, cert: certPath, key: keyPath)] });
        await using var client = await StartAsync(new RecordingReceiver(), new SipTransportOptions());
        var destination = new SipDestination(SipTransportKind.Tls, server.EndPoint(SipTransportKind.Tls));
        var sent = await client.SendAsync(Message("untrusted"), destination, new SipSendOptions(ServerName: "localhost"), CancellationToken.None);
        Assert.False(sent.Succeeded);
    }

    [Fact]
    public async Task Tls_PingFromRawSslClient_Pong()
    {
        var (certificate, certPath, keyPath) = SelfSignedPem();
        using var _ = certificate;
        await using var server = await StartAsync(new RecordingReceiver(), new SipTransportOptions { Listeners = [Listener(SipTransportKind.Tls, cert: certPath, key: keyPath)] });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint(SipTransportKind.Tls));
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString());
        await ssl.AuthenticateAsClientAsync("localhost").WaitAsync(Deadline);
        await ssl.WriteAsync("\r\n\r\n"u8.ToArray());
        Assert.Equal("\r\n", await ReadAsync(ssl, 2));
    }

    [Fact]
    public async Task Tls_GarbageHandshakes_ListenerStillServes()
    {
        var (certificate, certPath, keyPath) = SelfSignedPem();
        using var _ = certificate;
        var serverReceiver = new RecordingReceiver();
        await using var server = await StartAsync(serverReceiver, new SipTransportOptions { Listeners = [Listener(SipTransportKind.Tls, cert: certPath, key: keyPath)] });
        var random = new Random(3);
        for (var i = 0; i < 30; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(server.EndPoint(SipTransportKind.Tls));
            var garbage = new byte[random.Next(1, 3000)];
            random.NextBytes(garbage);
            try
            {
                await tcp.GetStream().WriteAsync(garbage);
            }
            catch (IOException)
            {
                // The server may already have dropped the failed handshake.
            }
        }

        await using var client = await StartAsync(new RecordingReceiver(), new SipTransportOptions { TrustedServerCertificate = certificate });
        var sent = await client.SendAsync(Message("after-tls-garbage"), new SipDestination(SipTransportKind.Tls, server.EndPoint(SipTransportKind.Tls)), new SipSendOptions(ServerName: "localhost"), CancellationToken.None);
        Assert.True(sent.Succeeded, sent.Error);
        await serverReceiver.NextContainingAsync("after-tls-garbage");
    }

    [Fact]
    public async Task StartAsync_TlsWithoutKeyFile_ThrowsNamingTheListener()
    {
        await using var manager = new SipTransportManager(
            new SipTransportOptions { Listeners = [Listener(SipTransportKind.Tls, cert: "/nonexistent/cert.pem", key: "/nonexistent/key.pem")] },
            TimeProvider.System);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => manager.StartAsync(new RecordingReceiver(), CancellationToken.None));
        Assert.Contains("cert.pem", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listeners_SeveralAtOnce_AllBound()
    {
        var listeners = new List<SipListenerOptions> { Listener(SipTransportKind.Udp), Listener(SipTransportKind.Tcp) };
        if (Ipv6LoopbackAvailable())
        {
            listeners.Add(Listener(SipTransportKind.Udp, IPAddress.IPv6Loopback));
            listeners.Add(Listener(SipTransportKind.Tcp, IPAddress.IPv6Loopback));
        }

        await using var manager = await StartAsync(new RecordingReceiver(), new SipTransportOptions { Listeners = listeners });
        Assert.Equal(listeners.Count, manager.BoundEndPoints.Count);
        Assert.All(manager.BoundEndPoints, b => Assert.NotEqual(0, b.EndPoint.Port));
    }
}
