using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using static Lantern.Interop.Tests.Infrastructure.SipUdp;

namespace Lantern.Interop.Tests.Phones;

/// <summary>Issue 10's authentication attacks against the built server over real sockets: the legitimate phone and operator use
/// 127.0.0.1, the attacker 127.0.0.2 (another loopback address, so a ban of the attacker leaves them alone).</summary>
[Collection(AttackTestGroup.Name)]
public sealed class AuthHardeningInteropTests
{
    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "listen": [ { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} } ],
            "digestAlgorithms": [ "MD5", "SHA-256" ], "maxTrackedNonces": 4, "authFailures": { "limit": 3 },
            "unsolicited": { "startupWindowSeconds": 0 } },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "loginFailureDelayMilliseconds": 0,
            "users": [ { "name": "admin", "secret": "pw", "write": true } ] },
          "endpoints": [
            { "id": "1001", "password": "secret1001", "mailboxes": [ "1001@default" ], "unsolicited": false },
            { "id": "1002", "password": "secret1002", "mailboxes": [ "1002@default" ], "unsolicited": false }
          ]
        }
        """;

    private static readonly IPAddress AttackerAddress = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task CapturedRegister_ReplayedAfterOwnAccountPushedItsNonceOut_RefusedStale()
    {
        await using var server = await LanternProcess.StartAsync(Config);
        var lantern = new IPEndPoint(IPAddress.Loopback, server.SipPort);
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var attacker = new UdpClient(new IPEndPoint(AttackerAddress, 0));
        var captured = await RegisterAsync(phone, lantern, "1001", "secret1001", "victim");

        // Eight fresh nonces answered with the attacker's own account: twice what the tracker (maxTrackedNonces 4) holds.
        for (var i = 0; i < 8; i++)
        {
            await RegisterAsync(attacker, lantern, "1002", "secret1002", "own" + i.ToString(CultureInfo.InvariantCulture));
        }

        await SendAsync(attacker, lantern, Register(attacker, "1001", "replay", 1, captured));
        var replay = await ReceiveAsync(attacker, m => m.IsResponse && m.CallId == "replay");

        Assert.Equal(401, replay.StatusCode);
        Assert.Contains("stale=true", replay.GetHeaders(SipHeaderId.WwwAuthenticate)[0], StringComparison.Ordinal);
        using var http = server.CreateAdminClient(TimeSpan.FromSeconds(10));
        var registrations = await http.GetStringAsync(new Uri("api/v1/registrations", UriKind.Relative));
        Assert.DoesNotContain("sip:1001@127.0.0.2", registrations, StringComparison.Ordinal);
        await RegisterAsync(phone, lantern, "1001", "secret1001", "victim-refresh");
    }

    [Fact]
    public async Task InDialogUnsubscribe_FromAnotherFlowWithoutCredentials_ChallengedAndSubscriptionKept()
    {
        await using var server = await LanternProcess.StartAsync(Config);
        var lantern = new IPEndPoint(IPAddress.Loopback, server.SipPort);
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var attacker = new UdpClient(new IPEndPoint(AttackerAddress, 0));
        await SendAsync(phone, lantern, Subscribe(phone, "dlg", 1, null, "600", null));
        var challenge = await ReceiveAsync(phone, m => m.IsResponse && m.CallId == "dlg");
        await SendAsync(phone, lantern, Subscribe(phone, "dlg", 2, null, "600", Answer(challenge, "SUBSCRIBE", "sip:1001@127.0.0.1", "1001", "secret1001")));
        var ok = await ReceiveAsync(phone, m => m.IsResponse && m.CallId == "dlg");
        Assert.Equal(200, ok.StatusCode);
        var notify = await ReceiveAsync(phone, m => m.IsRequest && m.Method == SipMethod.Notify);
        await SendAsync(phone, lantern, SipMessageBuilder.ResponseTo(notify, 200).ToString());

        // The dialog ids travel in clear: the attacker has them all and sends the unsubscribe from its own address.
        await SendAsync(attacker, lantern, Subscribe(phone, "dlg", 3, ok.ToTag, "0", null));
        var refused = await ReceiveAsync(attacker, m => m.IsResponse && m.CallId == "dlg");

        Assert.Equal(401, refused.StatusCode);
        using var http = server.CreateAdminClient(TimeSpan.FromSeconds(10));
        var subscriptions = await http.GetStringAsync(new Uri("api/v1/subscriptions", UriKind.Relative));
        Assert.Contains("\"callId\":\"dlg\"", subscriptions, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"active\"", subscriptions, StringComparison.Ordinal);
        await SendAsync(phone, lantern, Subscribe(phone, "dlg", 4, ok.ToTag, "600", null));
        Assert.Equal(200, (await ReceiveAsync(phone, m => m.IsResponse && m.CallId == "dlg")).StatusCode);
    }

    [Fact]
    public async Task RestGuessing_BannedAfterLimitAcrossRestAndSip_LoggedOnce_OperatorStillServed()
    {
        await using var server = await LanternProcess.StartAsync(Config);
        using var attackerHttp = HttpFrom(AttackerAddress, server.HttpPort);
        var failed = server.WatchOutput("authentication failed from 127.0.0.2");
        var banned = server.WatchOutput("Address 127.0.0.2 banned");

        for (var i = 0; i < 3; i++)
        {
            using var guess = await attackerHttp.SendAsync(Get("api/v1/mailboxes", "admin", "guess" + i.ToString(CultureInfo.InvariantCulture)));
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using var right = await attackerHttp.SendAsync(Get("api/v1/mailboxes", "admin", "pw"));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("application/problem+json", right.Content.Headers.ContentType?.MediaType);
        using var attacker = new UdpClient(new IPEndPoint(AttackerAddress, 0));
        await SendAsync(attacker, new IPEndPoint(IPAddress.Loopback, server.SipPort), Register(attacker, "1002", "sip-after-rest", 1, null));
        Assert.Equal(403, (await ReceiveAsync(attacker, m => m.IsResponse)).StatusCode);

        using var operatorHttp = server.CreateAdminClient(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, (await operatorHttp.GetAsync(new Uri("api/v1/mailboxes", UriKind.Relative))).StatusCode);
        await WithinAsync(Task.WhenAll(failed, banned));
        Assert.Single(server.Output.Split('\n'), l => l.Contains("authentication failed from 127.0.0.2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AmiLoginGuessing_BannedAfterLimit_OperatorStillLogsIn()
    {
        await using var server = await LanternProcess.StartAsync(Config);
        var ami = new IPEndPoint(IPAddress.Loopback, server.AmiPort);
        var banned = server.WatchOutput("Address 127.0.0.2 banned");
        using (var guesser = await AmiAsync(AttackerAddress, ami))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Contains("Authentication failed", await LoginAsync(guesser, "guess" + i.ToString(CultureInfo.InvariantCulture)), StringComparison.Ordinal);
            }
        }

        using (var again = await AmiAsync(AttackerAddress, ami))
        {
            var answer = await LoginAsync(again, "pw");
            Assert.Contains("Response: Error", answer, StringComparison.Ordinal);
            Assert.Contains("Too many failed logins", answer, StringComparison.Ordinal);
        }

        using var operatorSession = await AmiAsync(IPAddress.Loopback, ami);
        Assert.Contains("Authentication accepted", await LoginAsync(operatorSession, "pw"), StringComparison.Ordinal);
        await WithinAsync(banned);
        Assert.Single(server.Output.Split('\n'), l => l.Contains("failed login for user admin", StringComparison.Ordinal));
    }

    private static string Port(UdpClient socket) => ((IPEndPoint)socket.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);

    private static string Host(UdpClient socket) => ((IPEndPoint)socket.Client.LocalEndPoint!).Address.ToString();

    private static string Register(UdpClient from, string user, string callId, int cseq, string? authorization) =>
        $"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {Host(from)}:{Port(from)};branch=z9hG4bK{callId}{cseq};rport\r\n" +
        $"From: <sip:{user}@127.0.0.1>;tag=t-{callId}\r\nTo: <sip:{user}@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: {cseq} REGISTER\r\n" +
        $"Contact: <sip:{user}@{Host(from)}:{Port(from)}>\r\nExpires: 600\r\nMax-Forwards: 70\r\n" +
        (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n") + "Content-Length: 0\r\n\r\n";

    /// <summary>An in-dialog or initial SUBSCRIBE of 1001's dialog <paramref name="callId"/>; the Via names the phone whoever sends it.</summary>
    private static string Subscribe(UdpClient phone, string callId, int cseq, string? toTag, string expires, string? authorization) =>
        $"SUBSCRIBE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{Port(phone)};branch=z9hG4bK{callId}{cseq};rport\r\n" +
        $"From: <sip:1001@127.0.0.1>;tag=phone-{callId}\r\nTo: <sip:1001@127.0.0.1>{(toTag is null ? string.Empty : ";tag=" + toTag)}\r\n" +
        $"Call-ID: {callId}\r\nCSeq: {cseq} SUBSCRIBE\r\nContact: <sip:1001@127.0.0.1:{Port(phone)}>\r\nEvent: message-summary\r\n" +
        $"Accept: application/simple-message-summary\r\nExpires: {expires}\r\nMax-Forwards: 70\r\n" +
        (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n") + "Content-Length: 0\r\n\r\n";

    /// <summary>REGISTERs with digest and returns the Authorization value that got the 200.</summary>
    private static async Task<string> RegisterAsync(UdpClient socket, IPEndPoint lantern, string user, string password, string callId)
    {
        await SendAsync(socket, lantern, Register(socket, user, callId, 1, null));
        var challenge = await ReceiveAsync(socket, m => m.IsResponse && m.CallId == callId);
        Assert.Equal(401, challenge.StatusCode);
        var authorization = Answer(challenge, "REGISTER", "sip:127.0.0.1", user, password);
        await SendAsync(socket, lantern, Register(socket, user, callId, 2, authorization));
        Assert.Equal(200, (await ReceiveAsync(socket, m => m.IsResponse && m.CallId == callId)).StatusCode);
        return authorization;
    }

    /// <summary>Answers the MD5 challenge, wherever it is in the list.</summary>
    private static string Answer(SipMessage challenge, string method, string uri, string user, string password)
    {
        foreach (var value in challenge.GetHeaders(SipHeaderId.WwwAuthenticate))
        {
            if (DigestChallenge.TryParse(value, out var c, out _) && c!.Algorithm == DigestAlgorithm.Md5)
            {
                return DigestClient.CreateAuthorization(c, method, uri, user, password);
            }
        }

        throw new InvalidOperationException("no MD5 challenge in " + challenge.StatusCode.ToString(CultureInfo.InvariantCulture));
    }

    private static HttpClient HttpFrom(IPAddress local, int port)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    private static HttpRequestMessage Get(string path, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(user + ":" + password)));
        return request;
    }

    private static async Task<NetworkStream> AmiAsync(IPAddress local, IPEndPoint ami)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(local, 0));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(ami, deadline.Token);
        var stream = new NetworkStream(socket, ownsSocket: true);
        await ReadUntilAsync(stream, "\r\n");
        return stream;
    }

    private static async Task<string> LoginAsync(NetworkStream stream, string secret)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes("Action: Login\r\nUsername: admin\r\nSecret: " + secret + "\r\n\r\n"));
        return await ReadUntilAsync(stream, "\r\n\r\n");
    }

    /// <summary>Reads until <paramref name="end"/> or the peer closes, within 10 s.</summary>
    private static async Task<string> ReadUntilAsync(NetworkStream stream, string end)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal) && await stream.ReadAsync(buffer, deadline.Token) == 1)
        {
            text.Append((char)buffer[0]);
        }

        return text.ToString();
    }

    private static async Task WithinAsync(Task task)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await task.WaitAsync(deadline.Token);
    }
}
