using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;

namespace Lantern.Interop.Tests.Infrastructure.Cluster;

/// <summary>A phone over UDP subscribed (digest) to one node for its endpoint's mailbox: records every NOTIFY it gets
/// (from which node's port, its Call-ID, CSeq and Voice-Message line) and answers each <c>200</c>.</summary>
internal sealed class ClusterPhone : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private IPEndPoint _node;
    private readonly string _user;
    private readonly string _password;
    private readonly string _callId = "phone-" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<ReceivedNotify> _notifies = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<SipMessage>> _responses = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private string? _toTag;
    private int _cseq;

    private ClusterPhone(int nodeSipPort, string user, string password)
    {
        _node = new IPEndPoint(IPAddress.Loopback, nodeSipPort);
        _user = user;
        _password = password;
        _receiving = ReceiveAsync();
    }

    /// <summary>A NOTIFY as the phone saw it (<paramref name="Contact"/>: its Contact URI, or null).</summary>
    public sealed record ReceivedNotify(int FromPort, string CallId, long CSeq, string? Voice, bool Terminated, DateTimeOffset At, string? Contact = null);

    /// <summary>When true, the phone takes a NOTIFY's Contact as its dialog's remote target (RFC 6665: NOTIFY is a target
    /// refresh request; pjsip-based phones do this), so its in-dialog requests go there; otherwise they go to the node it
    /// subscribed to.</summary>
    public bool FollowsTarget { get; set; }

    /// <summary>The SIP port the phone's in-dialog requests go to.</summary>
    public int TargetPort => Volatile.Read(ref _node).Port;

    /// <summary>The endpoint entry for a configuration's <c>endpoints</c>: id <paramref name="user"/>, password "secret"+id, one mailbox.</summary>
    public static string Endpoint(string user, string mailbox) =>
        $$"""{ "id": "{{user}}", "password": "secret{{user}}", "mailboxes": [ "{{mailbox}}" ], "unsolicited": false }""";

    public IReadOnlyCollection<ReceivedNotify> Notifies => _notifies;

    public string CallId => _callId;

    /// <summary>When the unsubscribe was answered, or null while subscribed.</summary>
    public DateTimeOffset? UnsubscribedAt { get; private set; }

    /// <summary>Subscribes to the node on <paramref name="nodeSipPort"/> (answering its digest challenge); asserts the <c>200</c>.</summary>
    public static async Task<ClusterPhone> SubscribeAsync(int nodeSipPort, string user, int expires = 600)
    {
        var phone = new ClusterPhone(nodeSipPort, user, "secret" + user);
        var challenge = await phone.RequestAsync(expires, null);
        Assert.Equal(401, challenge.StatusCode);
        var ok = await phone.RequestAsync(expires, phone.Answer(challenge));
        Assert.True(ok.StatusCode == 200, $"SUBSCRIBE answered {ok.StatusCode} {ok.ReasonPhrase}");
        phone._toTag = ok.ToTag;
        return phone;
    }

    /// <summary>A new SUBSCRIBE (answering the digest challenge) whose final response is returned, whatever it is.</summary>
    public static async Task<SipMessage> TrySubscribeAsync(int nodeSipPort, string user, int expires = 600)
    {
        await using var phone = new ClusterPhone(nodeSipPort, user, "secret" + user);
        var challenge = await phone.RequestAsync(expires, null);
        Assert.Equal(401, challenge.StatusCode);
        return await phone.RequestAsync(expires, phone.Answer(challenge));
    }

    /// <summary>The final response to a new SUBSCRIBE without credentials (a node that refuses before it challenges).</summary>
    public static async Task<SipMessage> FirstAnswerAsync(int nodeSipPort, string user, int expires = 600)
    {
        await using var phone = new ClusterPhone(nodeSipPort, user, "secret" + user);
        return await phone.RequestAsync(expires, null);
    }

    /// <summary>Sends an in-dialog SUBSCRIBE (refresh, or with 0 an unsubscribe) and returns the final response.</summary>
    public async Task<SipMessage> RefreshAsync(int expires)
    {
        var response = await RequestAsync(expires, null);
        if (expires == 0 && response.StatusCode == 200)
        {
            UnsubscribedAt = DateTimeOffset.UtcNow;
        }

        return response;
    }

    /// <summary>The Voice-Message value of the last NOTIFY, or null.</summary>
    public string? LastVoice
    {
        get
        {
            string? last = null;
            foreach (var n in _notifies)
            {
                last = n.Voice ?? last;
            }

            return last;
        }
    }

    /// <summary>Waits (bounded) until the last NOTIFY shows <paramref name="voice"/> (e.g. "3/1 (0/0)").</summary>
    public async Task WaitVoiceAsync(string voice, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (LastVoice == voice)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"phone {_user} never saw {voice} (last: {LastVoice ?? "none"})");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _receiving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task<SipMessage> RequestAsync(int expires, string? authorization)
    {
        var cseq = Interlocked.Increment(ref _cseq);
        var waiter = new TaskCompletionSource<SipMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _responses[cseq] = waiter;
        var text = Subscribe(cseq, expires, authorization);
        // UDP: resend like a phone's Timer E until a final response comes, bounded by the deadline.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var interval = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), Volatile.Read(ref _node));
            var next = await Task.WhenAny(waiter.Task, Task.Delay(interval));
            if (next == waiter.Task)
            {
                _responses.TryRemove(cseq, out _);
                return await waiter.Task;
            }

            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"no final response to SUBSCRIBE CSeq {cseq} from 127.0.0.1:{TargetPort}");
            }

            interval = TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds * 2, 4000));
        }
    }

    private async Task ReceiveAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var datagram = await _socket.ReceiveAsync(_stop.Token);
            if (!SipMessageParser.TryParse(datagram.Buffer, SipLimits.Default, out var m, out _))
            {
                continue;
            }

            if (m!.IsResponse)
            {
                if (m.CallId == _callId && m.StatusCode >= 200 && _responses.TryGetValue((int)m.CSeq.Number, out var waiter))
                {
                    waiter.TrySetResult(m);
                }

                continue;
            }

            if (m.Method == SipMethod.Notify)
            {
                var body = Encoding.UTF8.GetString(m.Body.Span);
                var states = m.GetHeaders(SipHeaderId.SubscriptionState);
                var state = states.Count > 0 ? states[0] : "";
                var contact = m.TryGetContacts(out var contacts) && contacts.Count > 0 ? contacts[0].Address?.Uri : null;
                if (FollowsTarget && contact is not null && IPAddress.TryParse(contact.Host, out var host))
                {
                    Volatile.Write(ref _node, new IPEndPoint(host, contact.Port == 0 ? 5060 : contact.Port));
                }

                _notifies.Enqueue(new ReceivedNotify(
                    datagram.RemoteEndPoint.Port, m.CallId, m.CSeq.Number, VoiceOf(body),
                    state.StartsWith("terminated", StringComparison.OrdinalIgnoreCase), DateTimeOffset.UtcNow, contact?.ToString()));
                await _socket.SendAsync(Encoding.UTF8.GetBytes(SipMessageBuilder.ResponseTo(m, 200).ToString()), datagram.RemoteEndPoint);
            }
        }
    }

    private static string? VoiceOf(string body)
    {
        foreach (var line in body.Split('\n'))
        {
            if (line.StartsWith("Voice-Message:", StringComparison.OrdinalIgnoreCase))
            {
                return line["Voice-Message:".Length..].Trim();
            }
        }

        return null;
    }

    private string Subscribe(int cseq, int expires, string? authorization)
    {
        var port = ((IPEndPoint)_socket.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        var n = cseq.ToString(CultureInfo.InvariantCulture);
        return $"SUBSCRIBE sip:{_user}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{_callId}-{n};rport\r\n" +
            $"From: <sip:{_user}@127.0.0.1>;tag=phone-{_callId}\r\nTo: <sip:{_user}@127.0.0.1>{(_toTag is null ? string.Empty : ";tag=" + _toTag)}\r\n" +
            $"Call-ID: {_callId}\r\nCSeq: {n} SUBSCRIBE\r\nContact: <sip:{_user}@127.0.0.1:{port}>\r\nEvent: message-summary\r\n" +
            $"Accept: application/simple-message-summary\r\nExpires: {expires.ToString(CultureInfo.InvariantCulture)}\r\nMax-Forwards: 70\r\n" +
            (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n") + "Content-Length: 0\r\n\r\n";
    }

    private string Answer(SipMessage challenge)
    {
        foreach (var value in challenge.GetHeaders(SipHeaderId.WwwAuthenticate))
        {
            if (DigestChallenge.TryParse(value, out var c, out _) && c!.Algorithm == DigestAlgorithm.Md5)
            {
                return DigestClient.CreateAuthorization(c, "SUBSCRIBE", $"sip:{_user}@127.0.0.1", _user, _password);
            }
        }

        throw new InvalidOperationException("no MD5 challenge");
    }
}
