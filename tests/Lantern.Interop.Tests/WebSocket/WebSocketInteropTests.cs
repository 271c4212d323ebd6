using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Interop.Tests.Sip;

namespace Lantern.Interop.Tests.WebSocket;

/// <summary>SIP over WebSocket (RFC 7118) against the built server with real libraries under node: JsSIP 3.13 and SIP.js 0.21,
/// each registering and subscribing with digest auth over WS and WSS and seeing the lamp after a REST change.</summary>
public sealed class WebSocketInteropTests
{
    private const string Origin = "https://phone.test";

    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "{WS}", "address": "127.0.0.1", "port": {TLS_PORT}, {CERT} "allowedOrigins": [ "https://phone.test" ] } ],
            "unsolicited": { "startupWindowSeconds": 0 }, "digestAlgorithms": [ "MD5" ] },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [] },
          "endpoints": [ { "id": "1001", "password": "ws-phone-secret-1001", "mailboxes": [ "1001@default" ], "unsolicited": false } ]
        }
        """;

    [Theory]
    [InlineData("jssip-client.js", "ws")]
    [InlineData("jssip-client.js", "wss")]
    [InlineData("sipjs-client.js", "ws")]
    [InlineData("sipjs-client.js", "wss")]
    public async Task NodeLibrary_RegistersSubscribesWithDigest_AndSeesTheLampAfterARestChange(string script, string transport)
    {
        Assert.True(NodeSipClient.Missing() is null, NodeSipClient.Missing());
        var (config, ca) = Make(transport);
        await using var server = await LanternProcess.StartAsync(config);
        var url = $"{transport}://{(transport == "wss" ? "localhost" : "127.0.0.1")}:{server.TlsPort.ToString(CultureInfo.InvariantCulture)}";
        await using var phone = NodeSipClient.Start(script, url, "1001", "ws-phone-secret-1001", "127.0.0.1", ca, Origin);

        await phone.WaitForAsync("registered", TimeSpan.FromSeconds(20));
        var first = await phone.WaitForAsync("notify", TimeSpan.FromSeconds(20));
        Assert.Contains("waiting=no", first, StringComparison.Ordinal);

        await PutMailboxAsync(server, "1001@default", 2);

        var lit = await phone.WaitForAsync("notify", TimeSpan.FromSeconds(20));
        Assert.Contains("waiting=yes voice=2/0", lit, StringComparison.Ordinal);
        var connections = await MetricAsync(server, "lantern_sip_connections_opened_total{transport=\"" + transport + "\"}");
        Assert.True(connections == 1, $"the phone's requests, responses and NOTIFYs share one connection; {connections} were opened\n{server.Output}");
    }

    [Fact]
    public async Task Handshake_WithoutSipSubprotocol_OrFromAnotherOrigin_IsRefusedWithTheReason()
    {
        var (config, _) = Make("ws");
        await using var server = await LanternProcess.StartAsync(config);

        var noSip = await HandshakeAsync(server.TlsPort, "chat", null);
        Assert.StartsWith("HTTP/1.1 400 Bad Request", noSip, StringComparison.Ordinal);
        Assert.Contains("subprotocol \"sip\" required", noSip, StringComparison.Ordinal);

        var foreign = await HandshakeAsync(server.TlsPort, "sip", "https://evil.test");
        Assert.StartsWith("HTTP/1.1 403 Forbidden", foreign, StringComparison.Ordinal);
        Assert.Contains("origin https://evil.test not allowed", foreign, StringComparison.Ordinal);

        var good = await HandshakeAsync(server.TlsPort, "sip", Origin);
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols", good, StringComparison.Ordinal);
        Assert.Contains("Sec-WebSocket-Protocol: sip\r\n", good, StringComparison.Ordinal);
    }

    private static (string Config, string? Ca) Make(string transport)
    {
        var cert = string.Empty;
        string? ca = null;
        if (transport == "wss")
        {
            var (certPath, keyPath, certificate) = StreamTransportTests.WriteSelfSignedPem(Directory.CreateTempSubdirectory("lantern-wss-").FullName);
            certificate.Dispose();
            cert = $"\"certificate\": \"{certPath}\", \"key\": \"{keyPath}\",";
            ca = certPath;
        }

        return (Config.Replace("{WS}", transport, StringComparison.Ordinal).Replace("{CERT}", cert, StringComparison.Ordinal), ca);
    }

    private static async Task<string> HandshakeAsync(int port, string protocol, string? origin)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: " + protocol + "\r\n" +
            (origin is null ? string.Empty : "Origin: " + origin + "\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[4096];
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // A refusal carries its reason in the body; read what is left of it.
        if (!text.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            while (await stream.ReadAsync(buffer, timeout.Token) is var read and > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }

        return text.ToString();
    }

    private static async Task PutMailboxAsync(LanternProcess server, string id, int newMessages)
    {
        using var http = server.CreateAdminClient();
        using var response = await http.PutAsync(new Uri($"ari/mailboxes/{id}?newMessages={newMessages.ToString(CultureInfo.InvariantCulture)}&oldMessages=0", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, $"PUT {id}: {(int)response.StatusCode}");
    }

    private static async Task<long> MetricAsync(LanternProcess server, string series)
    {
        using var http = server.CreateAdminClient();
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
