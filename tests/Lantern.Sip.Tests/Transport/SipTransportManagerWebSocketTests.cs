using System.Net.WebSockets;
using System.Text;
using Lantern.Sip.Transport;
using static Lantern.Sip.Tests.Transport.TransportTestSupport;

namespace Lantern.Sip.Tests.Transport;

/// <summary>SIP over WebSocket (RFC 7118) in the transport, driven by .NET's RFC 6455 client.</summary>
public sealed class SipTransportManagerWebSocketTests
{
    private static SipTransportOptions WsOnly(params string[] origins) => new()
    {
        Listeners = [Listener(SipTransportKind.Ws) with { AllowedOrigins = origins }],
    };

    private static async Task<ClientWebSocket> ConnectAsync(SipTransportManager manager, string? origin = null, string protocol = "sip")
    {
        var client = new ClientWebSocket();
        client.Options.AddSubProtocol(protocol);
        if (origin is not null)
        {
            client.Options.SetRequestHeader("Origin", origin);
        }

        await client.ConnectAsync(new Uri("ws://" + manager.EndPoint(SipTransportKind.Ws) + "/"), CancellationToken.None).WaitAsync(Deadline);
        return client;
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket client)
    {
        var buffer = new byte[8192];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await client.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(Deadline);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return Encoding.ASCII.GetString(buffer, 0, length);
    }

    [Fact]
    public async Task Ws_EachMessageIsOneSipMessage_AndRepliesGoOverTheSameConnection()
    {
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, WsOnly());
        using var client = await ConnectAsync(manager);
        Assert.Equal("sip", client.SubProtocol);

        // One SIP message sent in two WebSocket frames, then one without Content-Length (RFC 7118 §5 frames by message).
        var first = Message("ws1");
        await client.SendAsync(first.AsMemory(0, 20), WebSocketMessageType.Text, false, CancellationToken.None);
        await client.SendAsync(first.AsMemory(20), WebSocketMessageType.Text, true, CancellationToken.None);
        await client.SendAsync("OPTIONS sip:ws2@127.0.0.1 SIP/2.0\r\nCall-ID: ws2\r\n\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
        var (text, source) = await receiver.NextAsync();
        Assert.Equal(Encoding.ASCII.GetString(first), text);
        Assert.Equal(SipTransportKind.Ws, source.Transport);
        Assert.NotEqual(0, source.ConnectionId);
        var (second, secondSource) = await receiver.NextAsync();
        Assert.StartsWith("OPTIONS sip:ws2@", second, StringComparison.Ordinal);
        Assert.Equal(source.ConnectionId, secondSource.ConnectionId);

        var sent = await manager.SendAsync("SIP/2.0 200 OK\r\nCall-ID: ws1\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), new SipDestination(SipTransportKind.Ws, source.Remote, source.ConnectionId), CancellationToken.None);
        Assert.True(sent.Succeeded, sent.Error);
        Assert.Equal("SIP/2.0 200 OK\r\nCall-ID: ws1\r\nContent-Length: 0\r\n\r\n", await ReceiveAsync(client));
    }

    [Fact]
    public async Task Ws_CrlfKeepAlive_AnsweredWithCrlf()
    {
        await using var manager = await StartAsync(new RecordingReceiver(), WsOnly());
        using var client = await ConnectAsync(manager);

        await client.SendAsync("\r\n\r\n"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal("\r\n", await ReceiveAsync(client));
    }

    [Fact]
    public async Task Ws_ConnectionGone_NoOutboundConnectIsTried()
    {
        var receiver = new RecordingReceiver();
        await using var manager = await StartAsync(receiver, WsOnly());
        var client = await ConnectAsync(manager);
        await client.SendAsync(Message("gone"), WebSocketMessageType.Text, true, CancellationToken.None);
        var (_, source) = await receiver.NextAsync();
        client.Abort();
        client.Dispose();
        var deadline = DateTime.UtcNow + Deadline;
        // Closed and also gone from the table (the two happen one after the other on the connection's own task).
        while (manager.IsConnectionOpen(source.ConnectionId) || manager.ConnectionCount != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the server did not notice the closed connection");
            await Task.Delay(10);
        }

        // Lantern must not try to open a connection to the phone, even where something listens at the address.
        var listening = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listening.Start();
        try
        {
            var sent = await manager.SendAsync(Message("late"), new SipDestination(SipTransportKind.Ws, (System.Net.IPEndPoint)listening.LocalEndpoint, source.ConnectionId), CancellationToken.None);

            Assert.False(sent.Succeeded);
            Assert.Equal(0, manager.ConnectionCount);
            Assert.False(listening.Pending());
        }
        finally
        {
            listening.Stop();
        }
    }

    [Fact]
    public async Task Ws_OriginNotAllowed_Refused_AllowedOrigin_Accepted()
    {
        await using var manager = await StartAsync(new RecordingReceiver(), WsOnly("https://phone.test"));

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(manager, "https://evil.test"));
        using var ok = await ConnectAsync(manager, "https://phone.test");

        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, ok.State);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat, superchat", 400, "subprotocol \"sip\" required")]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", 400, "subprotocol \"sip\" required")]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip", 426, "Version 13")]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Protocol: sip", 400, "16 bytes")]
    [InlineData("POST / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip", 400, "GET")]
    [InlineData("GET / HTTP/1.1\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip", 426, "Upgrade: websocket")]
    [InlineData("GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\nOrigin: https://evil.test", 403, "not allowed")]
    public void Handshake_Refusals_NameTheProblem(string head, int status, string problem)
    {
        var refused = SipWebSocketHandshake.Check(head, ["https://phone.test"], out var code, out _);

        Assert.NotNull(refused);
        Assert.Contains(problem, refused, StringComparison.Ordinal);
        Assert.Equal(status, code);
    }

    [Fact]
    public void Handshake_SipAmongSeveralProtocols_OnSeveralLines_NoOrigin_Accepted()
    {
        var head = "GET /ws HTTP/1.1\r\nHost: x\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: sip";

        Assert.Null(SipWebSocketHandshake.Check(head, ["https://phone.test"], out _, out var key));
        Assert.Equal("dGhlIHNhbXBsZSBub25jZQ==", key);
    }
}
