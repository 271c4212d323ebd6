using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;

namespace Lantern.Interop.Tests.Infrastructure;

/// <summary>The legitimate side during an attack test: phone 1001 subscribed over UDP from 127.0.0.1 that refreshes its
/// subscription, and the operator's REST read from 127.0.0.1; each answer is timed.</summary>
internal sealed class LegitimateUser : IDisposable
{
    /// <summary>Endpoint 1001 (password <c>secret1001</c>) to add to a test configuration's <c>endpoints</c>.</summary>
    public const string Endpoint = """{ "id": "1001", "password": "secret1001", "mailboxes": [ "1001@default" ], "unsolicited": false }""";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly LanternProcess _server;
    private readonly UdpClient _phone = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly HttpClient _http;
    private readonly IPEndPoint _lantern;
    private readonly string _callId = "legit-" + Guid.NewGuid().ToString("N");
    private string? _toTag;
    private int _cseq;

    private LegitimateUser(LanternProcess server)
    {
        _server = server;
        _lantern = new IPEndPoint(IPAddress.Loopback, server.SipPort);
        _http = server.CreateAdminClient(Deadline);
    }

    /// <summary>Time the last refresh took, or has taken so far when it was given up.</summary>
    public TimeSpan LastRefresh { get; private set; }

    /// <summary>Time the last REST read took, or has taken so far when it failed.</summary>
    public TimeSpan LastRestRead { get; private set; }

    /// <summary>Subscribes phone 1001 (digest) and reads once over REST, before the attack starts.</summary>
    public static async Task<LegitimateUser> SubscribeAsync(LanternProcess server)
    {
        var user = new LegitimateUser(server);
        await SipUdp.SendAsync(user._phone, user._lantern, user.Subscribe(null));
        var challenge = await SipUdp.ReceiveAsync(user._phone, m => m.IsResponse && m.CallId == user._callId);
        Assert.Equal(401, challenge.StatusCode);
        await SipUdp.SendAsync(user._phone, user._lantern, user.Subscribe(Answer(challenge)));
        var ok = await SipUdp.ReceiveAsync(user._phone, m => m.IsResponse && m.CallId == user._callId);
        Assert.Equal(200, ok.StatusCode);
        user._toTag = ok.ToTag;
        // A first read pays for connecting and the route's first run, which is not what the attack tests measure.
        await user.RestReadAsync();
        return user;
    }

    /// <summary>Sends an in-dialog refresh and returns how long the <c>200</c> took (the receive gives up after 20 s).</summary>
    public async Task<TimeSpan> RefreshAsync()
    {
        var clock = Stopwatch.StartNew();
        await SipUdp.SendAsync(_phone, _lantern, Subscribe(null));
        using var deadline = new CancellationTokenSource(Deadline);
        using var timing = new Timing(clock, t => LastRefresh = t);
        while (true)
        {
            var datagram = await _phone.ReceiveAsync(deadline.Token);
            if (!SipMessageParser.TryParse(datagram.Buffer, SipLimits.Default, out var m, out _))
            {
                continue;
            }

            if (m!.IsRequest && m.Method == SipMethod.Notify)
            {
                // The NOTIFY each refresh draws is answered so it is not retransmitted into the next measurement.
                await SipUdp.SendAsync(_phone, _lantern, SipMessageBuilder.ResponseTo(m, 200).ToString());
            }
            else if (m.IsResponse && m.CallId == _callId && m.CSeq.Number == _cseq)
            {
                Assert.Equal(200, m.StatusCode);
                return clock.Elapsed;
            }
        }
    }

    /// <summary>Reads the first page of mailboxes as the operator and returns how long the <c>200</c> took.</summary>
    public async Task<TimeSpan> RestReadAsync()
    {
        var clock = Stopwatch.StartNew();
        using var timing = new Timing(clock, t => LastRestRead = t);
        using var response = await _http.GetAsync(new Uri("api/v1/mailboxes?limit=10", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return clock.Elapsed;
    }

    /// <summary>Refresh and REST read, each answered within <paramref name="bound"/>.</summary>
    public async Task AssertServedAsync(TimeSpan bound)
    {
        var refresh = await RefreshAsync();
        var rest = await RestReadAsync();
        Assert.True(refresh < bound, $"the phone's refresh took {refresh.TotalMilliseconds:F0} ms under attack\n" + _server.Output);
        Assert.True(rest < bound, $"the REST read took {rest.TotalMilliseconds:F0} ms under attack\n" + _server.Output);
    }

    public void Dispose()
    {
        _phone.Dispose();
        _http.Dispose();
    }

    /// <summary>Records the elapsed time when disposed, so a failed or given-up request still reports how long it ran.</summary>
    private readonly struct Timing(Stopwatch clock, Action<TimeSpan> record) : IDisposable
    {
        public void Dispose() => record(clock.Elapsed);
    }

    private string Subscribe(string? authorization)
    {
        var port = ((IPEndPoint)_phone.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        _cseq++;
        var cseq = _cseq.ToString(CultureInfo.InvariantCulture);
        return $"SUBSCRIBE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{_callId}-{cseq};rport\r\n" +
            $"From: <sip:1001@127.0.0.1>;tag=phone-{_callId}\r\nTo: <sip:1001@127.0.0.1>{(_toTag is null ? string.Empty : ";tag=" + _toTag)}\r\n" +
            $"Call-ID: {_callId}\r\nCSeq: {cseq} SUBSCRIBE\r\nContact: <sip:1001@127.0.0.1:{port}>\r\nEvent: message-summary\r\n" +
            "Accept: application/simple-message-summary\r\nExpires: 600\r\nMax-Forwards: 70\r\n" +
            (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n") + "Content-Length: 0\r\n\r\n";
    }

    private static string Answer(SipMessage challenge)
    {
        foreach (var value in challenge.GetHeaders(SipHeaderId.WwwAuthenticate))
        {
            if (DigestChallenge.TryParse(value, out var c, out _) && c!.Algorithm == DigestAlgorithm.Md5)
            {
                return DigestClient.CreateAuthorization(c, "SUBSCRIBE", "sip:1001@127.0.0.1", "1001", "secret1001");
            }
        }

        throw new InvalidOperationException("no MD5 challenge");
    }
}
