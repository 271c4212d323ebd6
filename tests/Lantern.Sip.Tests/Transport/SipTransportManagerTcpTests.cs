using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Time.Testing;
using static Lantern.Sip.Tests.Transport.TransportTestSupport;

namespace Lantern.Sip.Tests.Transport;

public sealed class SipTransportManagerTcpTests
{
    private static SipTransportOptions TcpOnly(TimeSpan? idle = null) => new()
    {
        Listeners = [Listener(SipTransportKind.Tcp)],
        IdleTimeout = idle ?? TimeSpan.FromMinutes(10),
    };

    private static async Task<TcpClient> ConnectAsync(SipTransportManager manager)
    {
        var client = new TcpClient();
        await client.ConnectAsync(manager.EndPoint(SipTransportKind.Tcp)).WaitAsync(Deadline);
        return client;
    }

    [Fact]
    public async Task Tcp_PipelinedAndSplitMessages_DeliveredInOrderOnOneConnection()
    {
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly());
        using var client = await ConnectAsync(manager);
        var stream = client.GetStream();
        var pipelined = Enumerable.Range(0, 5).SelectMany(i => Message($"p{i}", i % 2 == 0 ? "body" : "")).ToArray();
        await stream.WriteAsync(pipelined);
        var split = Message("split", "0123456789");
        await stream.WriteAsync(split.AsMemory(0, 10));
        await stream.FlushAsync();
        var expectedId = 0L;
        for (var i = 0; i < 5; i++)
        {
            var (text, source) = await receiver.NextAsync();
            Assert.StartsWith($"OPTIONS sip:p{i}@", text, StringComparison.Ordinal);
            Assert.Equal(SipTransportKind.Tcp, source.Transport);
            Assert.NotEqual(0, source.ConnectionId);
            expectedId = i == 0 ? source.ConnectionId : expectedId;
            Assert.Equal(expectedId, source.ConnectionId);
        }

        await stream.WriteAsync(split.AsMemory(10, 50));
        await stream.WriteAsync(split.AsMemory(60));
        var (last, lastSource) = await receiver.NextAsync();
        Assert.Equal(Encoding.ASCII.GetString(split), last);
        Assert.Equal(expectedId, lastSource.ConnectionId);
        Assert.True(manager.IsConnectionOpen(expectedId));
    }

    [Fact]
    public async Task Tcp_CrlfCrlfPing_CrlfPong()
    {
        await using var manager = await StartAsync(new RecordingReceiver(), TcpOnly());
        using var client = await ConnectAsync(manager);
        var stream = client.GetStream();
        await stream.WriteAsync("\r\n\r\n"u8.ToArray());
        Assert.Equal("\r\n", await ReadAsync(stream, 2));
    }

    [Fact]
    public async Task Tcp_MissingContentLength_SinkAnswersThenConnectionCloses()
    {
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly());
        receiver.OnFramingError = async (error, source) =>
        {
            var answer = Encoding.ASCII.GetBytes($"SIP/2.0 {error.StatusCode()} {error.ReasonPhrase()}\r\nContent-Length: 0\r\n\r\n");
            await manager.SendAsync(answer, new SipDestination(source.Transport, source.Remote, source.ConnectionId), CancellationToken.None);
        };
        using var client = await ConnectAsync(manager);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("OPTIONS sip:x SIP/2.0\r\nCall-ID: nolength\r\n\r\n"));
        var answer = await ReadAsync(stream, 10);
        Assert.StartsWith("SIP/2.0 400 Missing Content-Length", answer, StringComparison.Ordinal);
        Assert.True(await ReadToEndAsync(stream));
        var (error, headers, source) = await receiver.FramingErrorAsync();
        Assert.Equal(SipFramerError.MissingContentLength, error);
        Assert.Contains("Call-ID: nolength", headers, StringComparison.Ordinal);
        Assert.Equal(source.ConnectionId, await receiver.ClosedAsync());
        Assert.False(manager.IsConnectionOpen(source.ConnectionId));
    }

    [Fact]
    public async Task Tcp_GarbageStreams_ListenerStillDelivers()
    {
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly());
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            using var garbage = await ConnectAsync(manager);
            var bytes = new byte[random.Next(1, 20_000)];
            random.NextBytes(bytes);
            if (i % 3 == 0)
            {
                "X\r\nl: 99999999\r\n\r\n"u8.CopyTo(bytes);
            }

            try
            {
                await garbage.GetStream().WriteAsync(bytes);
            }
            catch (IOException)
            {
                // The server may already have closed a connection it could not frame.
            }
        }

        using var client = await ConnectAsync(manager);
        await client.GetStream().WriteAsync(Message("after-garbage"));
        var (text, _) = await receiver.NextContainingAsync("after-garbage");
        Assert.StartsWith("OPTIONS sip:after-garbage", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_IdleConnection_ClosedAfterIdleTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly(), time);
        using var client = await ConnectAsync(manager);
        await client.GetStream().WriteAsync(Message("idle"));
        var (_, source) = await receiver.NextAsync();
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.True(manager.IsConnectionOpen(source.ConnectionId));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(source.ConnectionId, await receiver.ClosedAsync());
        Assert.True(await ReadToEndAsync(client.GetStream()));
    }

    [Fact]
    public async Task Tcp_MessageTrickledByteByByte_ClosedAtTheMessageDeadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly(), time);
        using var client = await ConnectAsync(manager);
        var stream = client.GetStream();
        await stream.WriteAsync(Message("whole"));
        var (_, source) = await receiver.NextAsync();
        await stream.WriteAsync("OPTIONS sip:slow@127.0.0.1 SIP/2.0\r\n"u8.ToArray());

        // One byte every 5 s (of fake time) for at most 200 s: each used to reset the idle timer, so the connection stayed forever.
        var closed = receiver.ClosedAsync();
        for (var i = 0; i < 40 && !closed.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            try
            {
                await stream.WriteAsync("V"u8.ToArray());
            }
            catch (IOException)
            {
                // Closed by the server meanwhile.
            }

            await Task.WhenAny(closed, Task.Delay(100));
        }

        Assert.Equal(source.ConnectionId, await closed);
        Assert.True(await ReadToEndAsync(stream));
    }

    [Fact]
    public async Task Tcp_SilentInboundConnection_ClosedAtTheMessageDeadline_WholeMessagesKeepItOpen()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly(), time);
        using var silent = await ConnectAsync(manager);
        using var talker = await ConnectAsync(manager);
        await talker.GetStream().WriteAsync(Message("talker"));
        var (_, talking) = await receiver.NextAsync();
        var closed = receiver.ClosedAsync();
        for (var i = 0; i < 40 && !closed.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.WhenAny(closed, Task.Delay(100));
        }

        Assert.NotEqual(talking.ConnectionId, await closed);
        Assert.True(await ReadToEndAsync(silent.GetStream()));
        Assert.True(manager.IsConnectionOpen(talking.ConnectionId));
    }

    [Fact]
    public async Task Tcp_MarkedInUse_SparedByIdleTimeoutUntilReleased()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly(), time);
        using var client = await ConnectAsync(manager);
        await client.GetStream().WriteAsync(Message("lease"));
        var (_, source) = await receiver.NextAsync();
        Assert.True(manager.MarkInUse(source.ConnectionId, true));
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.True(manager.IsConnectionOpen(source.ConnectionId));
        Assert.False(receiver.TryGetClosed(out _));
        Assert.True(manager.MarkInUse(source.ConnectionId, false));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(source.ConnectionId, await receiver.ClosedAsync());
        Assert.False(manager.MarkInUse(source.ConnectionId, true));
    }

    [Fact]
    public async Task SendAsync_Tcp_ConnectsThenReusesConnectionBothWays()
    {
        var serverReceiver = new RecordingReceiver();
        var clientReceiver = new RecordingReceiver();
        await using var server = await StartAsync(serverReceiver, TcpOnly());
        await using var client = await StartAsync(clientReceiver, TcpOnly());
        var destination = new SipDestination(SipTransportKind.Tcp, server.EndPoint(SipTransportKind.Tcp));
        var first = await client.SendAsync(Message("one"), destination, CancellationToken.None);
        var second = await client.SendAsync(Message("two"), destination, CancellationToken.None);
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(first.ConnectionId, second.ConnectionId);
        Assert.Equal(first.ConnectionId, client.LocalFor(destination).ConnectionId);
        var (_, source) = await serverReceiver.NextAsync();
        await serverReceiver.NextAsync();
        var reply = await server.SendAsync(Message("reply"), new SipDestination(SipTransportKind.Tcp, source.Remote, source.ConnectionId), CancellationToken.None);
        Assert.True(reply.Succeeded, reply.Error);
        Assert.Equal(source.ConnectionId, reply.ConnectionId);
        var (text, back) = await clientReceiver.NextAsync();
        Assert.Contains("reply", text, StringComparison.Ordinal);
        Assert.Equal(first.ConnectionId, back.ConnectionId);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task SendAsync_TcpOverIpv6_DeliveredWithIpv6Source()
    {
        if (!Ipv6LoopbackAvailable())
        {
            return; // The OS has no IPv6 loopback: nothing to test here.
        }

        var serverReceiver = new RecordingReceiver();
        var v6 = new SipTransportOptions { Listeners = [Listener(SipTransportKind.Tcp, IPAddress.IPv6Loopback)] };
        await using var server = await StartAsync(serverReceiver, v6);
        await using var client = await StartAsync(new RecordingReceiver(), v6);
        var sent = await client.SendAsync(Message("v6"), new SipDestination(SipTransportKind.Tcp, server.EndPoint(SipTransportKind.Tcp)), CancellationToken.None);
        Assert.True(sent.Succeeded, sent.Error);
        var (_, source) = await serverReceiver.NextAsync();
        Assert.Equal(AddressFamily.InterNetworkV6, source.Remote.AddressFamily);
        Assert.Equal(IPAddress.IPv6Loopback, source.Local.Address);
    }

    [Fact]
    public async Task SendAsync_TcpToClosedPort_FailsWithoutThrowing()
    {
        await using var client = await StartAsync(new RecordingReceiver(), TcpOnly());
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = (IPEndPoint)probe.LocalEndPoint!;
        var result = await client.SendAsync(Message("x"), new SipDestination(SipTransportKind.Tcp, closedPort), CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task Tcp_ConnectionLimit_ExtraConnectionClosed()
    {
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, TcpOnly() with { MaxConnections = 1 });
        using var first = await ConnectAsync(manager);
        await first.GetStream().WriteAsync(Message("first"));
        await receiver.NextAsync();
        using var second = await ConnectAsync(manager);
        Assert.True(await ReadToEndAsync(second.GetStream()));
        Assert.Equal(1, manager.ConnectionCount);
    }

    [Fact]
    public async Task StopAsync_OpenConnections_ClosedAndReported()
    {
        var receiver = new RecordingReceiver();
        var manager = await StartAsync(receiver, TcpOnly());
        using var client = await ConnectAsync(manager);
        await client.GetStream().WriteAsync(Message("stop"));
        var (_, source) = await receiver.NextAsync();
        await manager.DisposeAsync();
        Assert.Equal(source.ConnectionId, await receiver.ClosedAsync());
        Assert.Equal(0, manager.ConnectionCount);
    }
}
