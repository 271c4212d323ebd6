using System.Net;
using System.Text;
using System.Threading.Channels;
using Lantern.Configuration;
using Lantern.Phones;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lantern.Tests.Phones;

/// <summary>A real <see cref="SipStack"/> and <see cref="PhonesModule"/> on an in-memory transport: tests play the phone (or a trusted
/// proxy), and NOTIFYs the module sends are answered automatically.</summary>
internal sealed class PhonesSipHarness : ISipTransportLayer, IAsyncDisposable
{
    public static readonly IPEndPoint Local = new(IPAddress.Parse("198.51.100.1"), 5060);
    public static readonly IPEndPoint Phone = new(IPAddress.Parse("192.0.2.7"), 5062);
    public static readonly IPEndPoint Proxy = new(IPAddress.Parse("10.0.0.5"), 5060);

    private readonly Channel<SipMessage> _sent = Channel.CreateUnbounded<SipMessage>();
    private readonly List<SipMessage> _skipped = [];
    private int _n;

    private PhonesSipHarness(PhonesFixture fixture, LanternOptions options)
    {
        F = fixture;
        Stack = new SipStack(this, fixture.Time, new SipStackOptions { Shards = 2 }, NullLogger.Instance);
        Module = new PhonesModule(Stack, fixture.Mailboxes, options, fixture.Store, fixture.Time, NullLoggerFactory.Instance);
    }

    public PhonesFixture F { get; }

    public SipStack Stack { get; }

    public PhonesModule Module { get; }

    /// <summary>Status the simulated phone answers NOTIFYs with; null leaves them unanswered.</summary>
    public int? NotifyAnswer { get; set; } = 200;

    public static async Task<PhonesSipHarness> StartAsync(Action<LanternOptions>? configure = null)
    {
        var options = new LanternOptions();
        options.Sip.Domain = "example.com";
        options.Sip.Trusted = ["10.0.0.0/24"];
        options.Endpoints =
        [
            new EndpointOptions { Id = "1001", Password = "secret1001", Mailboxes = ["1001@default"], VoicemailExtension = "*97" },
            new EndpointOptions { Id = "1002", Password = "secret1002", Mailboxes = ["1002@default", "1003@default"] },
        ];
        configure?.Invoke(options);
        var h = new PhonesSipHarness(await PhonesFixture.CreateAsync(), options);
        await h.Module.StartAsync(CancellationToken.None);
        return h;
    }

    /// <summary>Sends to destinations it matches fail as a refused connection would (nothing is recorded as sent).</summary>
    public Func<SipDestination, bool>? FailSendTo { get; set; }

    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, CancellationToken cancellationToken)
    {
        if (FailSendTo?.Invoke(destination) == true)
        {
            return ValueTask.FromResult(SipSendResult.Failed("connection refused"));
        }

        Assert.True(SipMessageParser.TryParse(message.Span, SipLimits.Default, out var parsed, out var error), error.ToString());
        _sent.Writer.TryWrite(parsed!);
        if (parsed!.IsRequest && parsed.Method == SipMethod.Notify && NotifyAnswer is { } code)
        {
            var answer = SipMessageBuilder.ResponseTo(parsed, code).ToArray();
            var from = destination.Remote;
            _ = Task.Run(() => Stack.OnMessage(answer, new SipSource(destination.Transport, from, Local, destination.ConnectionId)), CancellationToken.None);
        }

        return ValueTask.FromResult(SipSendResult.Ok(destination.Transport == SipTransportKind.Udp ? 0 : 9));
    }

    public SipSource LocalFor(SipDestination destination) => new(destination.Transport, destination.Remote, Local, 0);

    public void Receive(string text, IPEndPoint? from = null) =>
        Stack.OnMessage(Encoding.UTF8.GetBytes(text), new SipSource(SipTransportKind.Udp, from ?? Phone, Local, 0));

    /// <summary>Delivers a request as received over a TCP connection.</summary>
    public void ReceiveTcp(string text, IPEndPoint from, long connectionId) =>
        Stack.OnMessage(Encoding.UTF8.GetBytes(text), new SipSource(SipTransportKind.Tcp, from, Local, connectionId));

    /// <summary>The next message the module sent that matches (5 s deadline); earlier non-matching ones stay available.</summary>
    public async Task<SipMessage> NextAsync(Func<SipMessage, bool> match)
    {
        for (var i = 0; i < _skipped.Count; i++)
        {
            if (match(_skipped[i]))
            {
                var m = _skipped[i];
                _skipped.RemoveAt(i);
                return m;
            }
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            SipMessage m;
            try
            {
                m = await _sent.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching message within 5 s; unmatched: " + string.Join(" | ", _skipped.Select(s => s.IsRequest ? s.MethodText : s.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }

            if (match(m))
            {
                return m;
            }

            _skipped.Add(m);
        }
    }

    public Task<SipMessage> ResponseAsync(string callId) => NextAsync(m => m.IsResponse && m.CallId == callId);

    public Task<SipMessage> NotifyAsync(string callId) => NextAsync(m => m.IsRequest && m.Method == SipMethod.Notify && m.CallId == callId);

    /// <summary>The next NOTIFY of <paramref name="callId"/> whose body differs from <paramref name="previous"/>'s. A change made just
    /// before the SUBSCRIBE can reach the notifier after the subscription took its state, so one NOTIFY repeating that state
    /// may come first (harmless to a phone); each NOTIFY, repeated or not, must take the next CSeq.</summary>
    public async Task<SipMessage> NotifyAfterAsync(string callId, SipMessage previous)
    {
        var next = await NotifyAsync(callId);
        Assert.Equal(previous.CSeq.Number + 1, next.CSeq.Number);
        if (Body(next) == Body(previous))
        {
            var repeated = next;
            next = await NotifyAsync(callId);
            Assert.Equal(repeated.CSeq.Number + 1, next.CSeq.Number);
        }

        return next;
    }

    /// <summary>No message arrived besides those already taken: drains what is queued.</summary>
    public List<SipMessage> Pending()
    {
        var list = new List<SipMessage>(_skipped);
        while (_sent.Reader.TryRead(out var m))
        {
            list.Add(m);
        }

        return list;
    }

    public string Subscribe(string user, string callId, int cseq = 1, string? toTag = null, string expires = "600", string? authorization = null,
        string events = "message-summary", string accept = "application/simple-message-summary", string fromUser = "1001")
    {
        var n = Interlocked.Increment(ref _n);
        var sb = new StringBuilder();
        sb.Append("SUBSCRIBE sip:").Append(user).Append("@example.com SIP/2.0\r\n");
        sb.Append("Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKs").Append(n).Append(";rport\r\n");
        sb.Append("From: <sip:").Append(fromUser).Append("@example.com>;tag=from-").Append(callId).Append("\r\n");
        sb.Append("To: <sip:").Append(user).Append("@example.com>").Append(toTag is null ? string.Empty : ";tag=" + toTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(callId).Append("\r\n");
        sb.Append("CSeq: ").Append(cseq).Append(" SUBSCRIBE\r\n");
        sb.Append("Contact: <sip:").Append(fromUser).Append("@192.0.2.7:5062>\r\n");
        sb.Append("Max-Forwards: 70\r\n");
        sb.Append("Event: ").Append(events).Append("\r\n");
        if (accept.Length > 0)
        {
            sb.Append("Accept: ").Append(accept).Append("\r\n");
        }

        if (expires.Length > 0)
        {
            sb.Append("Expires: ").Append(expires).Append("\r\n");
        }

        if (authorization is not null)
        {
            sb.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        sb.Append("Content-Length: 0\r\n\r\n");
        return sb.ToString();
    }

    public string Register(string user, string callId, int cseq, string contact, string? expires = "600", string? authorization = null)
    {
        var n = Interlocked.Increment(ref _n);
        var sb = new StringBuilder();
        sb.Append("REGISTER sip:example.com SIP/2.0\r\n");
        sb.Append("Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bKr").Append(n).Append(";rport\r\n");
        sb.Append("From: <sip:").Append(user).Append("@example.com>;tag=reg-").Append(callId).Append("\r\n");
        sb.Append("To: <sip:").Append(user).Append("@example.com>\r\n");
        sb.Append("Call-ID: ").Append(callId).Append("\r\n");
        sb.Append("CSeq: ").Append(cseq).Append(" REGISTER\r\n");
        sb.Append("Contact: ").Append(contact).Append("\r\n");
        sb.Append("Max-Forwards: 70\r\n");
        if (expires is not null)
        {
            sb.Append("Expires: ").Append(expires).Append("\r\n");
        }

        if (authorization is not null)
        {
            sb.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        sb.Append("Content-Length: 0\r\n\r\n");
        return sb.ToString();
    }

    /// <summary>REGISTERs a contact of 1001 as a phone does: without credentials, challenged <c>401</c>, then with its answer.</summary>
    public async Task RegisterWithDigestAsync(string callId, string contact = "<sip:1001@192.0.2.7:5062>")
    {
        Receive(Register("1001", callId, 1, contact));
        var challenge = await ResponseAsync(callId);
        Assert.Equal(401, challenge.StatusCode);
        Receive(Register("1001", callId, 2, contact, authorization: Authorize(challenge, "REGISTER", "sip:example.com", "1001", "secret1001")));
    }

    /// <summary>Answers the challenge of <paramref name="challenge401"/> with the algorithm at <paramref name="index"/> (0 = SHA-256, 1 = MD5).</summary>
    public static string Authorize(SipMessage challenge401, string method, string uri, string user, string password, int index = 0, uint nonceCount = 1)
    {
        var values = challenge401.GetHeaders(SipHeaderId.WwwAuthenticate);
        Assert.True(DigestChallenge.TryParse(values[index], out var challenge, out var error), error);
        return DigestClient.CreateAuthorization(challenge!, method, uri, user, password, nonceCount);
    }

    public static string Body(SipMessage m) => Encoding.UTF8.GetString(m.Body.Span);

    public async ValueTask DisposeAsync()
    {
        await Module.DisposeAsync();
        Stack.Dispose();
        await F.DisposeAsync();
    }
}
