using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Interop.Tests.Infrastructure.Cluster;
using Lantern.Sip.Messages;
using Xunit.Abstractions;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>Issue 11 "a real edge in front": three nodes behind Debian's Kamailio (dispatcher, record-routing,
/// examples/kamailio/kamailio.cfg); the node that owns a phone's subscription is killed with <c>kill -9</c>.</summary>
public sealed class KamailioFrontTests
{
    private const string Mailbox = "1001@default";
    private const int LeaseMilliseconds = 1500;

    private readonly ITestOutputHelper _output;

    public KamailioFrontTests(ITestOutputHelper output) => _output = output;

    [ClusterFact]
    public async Task KillNine_OwnerOfThePhonesDialog_SurvivorKeepsItsLampInDialogAndTheRefreshThroughKamailioSucceeds()
    {
        await using var cluster = await LanternCluster.StartAsync(
            3,
            storeSettings: $"\"leaseMilliseconds\": {LeaseMilliseconds}",
            edit: config => config.Replace("\"sip\": { \"domain\": \"127.0.0.1\",", "\"sip\": { \"domain\": \"127.0.0.1\", \"trusted\": [ \"127.0.0.0/8\" ],", StringComparison.Ordinal));
        await using var kamailio = KamailioProcess.Start(cluster.Nodes.Select(n => n.SipPort));
        using var phone = new Phone(kamailio.Port);
        try
        {
            await PutAsync(cluster[0], 2, 0);
            await phone.WaitForKamailioAsync();

            var ok = await phone.SubscribeAsync(toTag: null);
            Assert.Equal(200, ok.StatusCode);
            var owner = cluster.Nodes.Single(n => ok.ToString().Contains($"127.0.0.1:{n.SipPort}", StringComparison.Ordinal));
            var first = await phone.WaitForNotifyAsync(n => n.Body.Contains("Voice-Message: 2/0", StringComparison.Ordinal), "the first NOTIFY, through Kamailio");
            Assert.NotEmpty(phone.RouteSet); // Kamailio record-routes: in-dialog requests come back through it.

            // kill -9 the owner; the lamp changes while nobody owns the dialog.
            var clock = Stopwatch.StartNew();
            await owner.KillAsync();
            var survivor = cluster.Nodes.First(n => n != owner);
            await PutAsync(survivor, 7, 0);

            var taken = await phone.WaitForNotifyAsync(n => n.CSeq > first.CSeq && n.Body.Contains("Voice-Message: 7/0", StringComparison.Ordinal), "a survivor's NOTIFY in the same dialog");
            var takeover = clock.Elapsed;
            Assert.Equal((phone.CallId, phone.Tag, ok.ToTag), (taken.CallId, taken.ToTag, taken.FromTag));
            Assert.StartsWith("active", taken.State, StringComparison.Ordinal);
            Assert.True(phone.OutOfOrder.Count == 0, "NOTIFY CSeqs went backwards: " + string.Join(", ", phone.OutOfOrder));

            // The phone's next refresh goes to Kamailio, which fails it over from the dead node; a live node takes it.
            var refreshed = await phone.SubscribeAsync(ok.ToTag, remoteTarget: phone.RemoteTarget);
            // The killed node cannot answer: the 200 is a live node's, which took or kept the dialog.
            Assert.Equal(200, refreshed.StatusCode);
            Assert.False(owner.IsRunning);
            await phone.WaitForNotifyAsync(n => n.CSeq > taken.CSeq, "the NOTIFY after the refresh");

            // One change after all that: exactly one NOTIFY for it, CSeqs still ascending.
            await PutAsync(survivor, 3, 1);
            await phone.WaitForNotifyAsync(n => n.Body.Contains("Voice-Message: 3/1", StringComparison.Ordinal), "the NOTIFY of the last change");
            Assert.True(phone.OutOfOrder.Count == 0, "NOTIFY CSeqs went backwards: " + string.Join(", ", phone.OutOfOrder));
            _output.WriteLine($"takeover after kill -9: {takeover.TotalMilliseconds:F0} ms (lease {LeaseMilliseconds} ms)");
            Assert.True(takeover < TimeSpan.FromMilliseconds(LeaseMilliseconds * 4), $"takeover took {takeover.TotalMilliseconds:F0} ms");
        }
        catch
        {
            _output.WriteLine(cluster.Describe());
            _output.WriteLine("--- kamailio ---\n" + kamailio.Output);
            _output.WriteLine("--- phone ---\n" + phone.Log);
            throw;
        }
    }

    [ClusterFact]
    public async Task DialogMove_RefreshReachesAnotherLiveNode_AcceptedThereAndOnlyThatNodeNotifiesFromThen()
    {
        await using var cluster = await LanternCluster.StartAsync(
            2,
            edit: config => config.Replace("\"sip\": { \"domain\": \"127.0.0.1\",", "\"sip\": { \"domain\": \"127.0.0.1\", \"trusted\": [ \"127.0.0.0/8\" ],", StringComparison.Ordinal));
        var (a, b) = (cluster[0], cluster[1]);
        using var phone = new Phone(a.SipPort);
        try
        {
            await PutAsync(a, 1, 0);
            var ok = await phone.SubscribeAsync(toTag: null);
            Assert.Equal(200, ok.StatusCode);
            var first = await phone.WaitForNotifyAsync(n => n.Body.Contains("Voice-Message: 1/0", StringComparison.Ordinal), "A's first NOTIFY");
            Assert.Equal(a.SipPort, first.FromPort);

            // A load balancer failed over while A is alive: the refresh reaches B, which has never seen the dialog.
            phone.Target = b.SipPort;
            var refreshed = await phone.SubscribeAsync(ok.ToTag, remoteTarget: phone.RemoteTarget);
            Assert.Equal(200, refreshed.StatusCode);
            var fromB = await phone.WaitForNotifyAsync(n => n.FromPort == b.SipPort, "B's NOTIFY after the refresh");
            Assert.True(fromB.CSeq > first.CSeq, $"CSeq {fromB.CSeq} after {first.CSeq}");

            await PutAsync(a, 4, 0);
            var last = await phone.WaitForNotifyAsync(n => n.Body.Contains("Voice-Message: 4/0", StringComparison.Ordinal), "the NOTIFY of the change");
            Assert.Equal(b.SipPort, last.FromPort);
            await PutAsync(b, 5, 0);
            await phone.WaitForNotifyAsync(n => n.Body.Contains("Voice-Message: 5/0", StringComparison.Ordinal), "the NOTIFY of the next change");
            Assert.DoesNotContain(phone.Notifies, n => n.FromPort == a.SipPort && n.CSeq > first.CSeq);
            Assert.True(phone.OutOfOrder.Count == 0, "NOTIFY CSeqs went backwards: " + string.Join(", ", phone.OutOfOrder));
        }
        catch
        {
            _output.WriteLine(cluster.Describe());
            _output.WriteLine("--- phone ---\n" + phone.Log);
            throw;
        }
    }

    private static async Task PutAsync(ClusterNode node, int newCount, int oldCount)
    {
        var (status, body) = await ClusterRest.PutVoiceAsync(node, Mailbox, newCount, oldCount);
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, $"PUT on node {node.Index}: {status} {body}");
    }

    /// <summary>A phone on a UDP socket that sends through Kamailio and answers every NOTIFY 200 at once.</summary>
    private sealed class Phone : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private IPEndPoint _kamailio;
        private readonly List<SipMessage> _responses = [];
        private readonly List<Notify> _notifies = [];
        private readonly StringBuilder _log = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _receive;
        private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _cseq;
        private long _lastNotifyCSeq;

        public Phone(int kamailioPort)
        {
            _kamailio = new IPEndPoint(IPAddress.Loopback, kamailioPort);
            _receive = Task.Run(ReceiveLoopAsync);
        }

        public string CallId { get; } = "kam-" + Guid.NewGuid().ToString("N")[..12];

        public string Tag { get; } = "ph" + Guid.NewGuid().ToString("N")[..8];

        public List<string> RouteSet { get; } = [];

        public string? RemoteTarget { get; private set; }

        public List<string> OutOfOrder { get; } = [];

        /// <summary>Where requests go: Kamailio, or a node directly (as if a load balancer had chosen it).</summary>
        public int Target
        {
            get => _kamailio.Port;
            set => _kamailio = new IPEndPoint(IPAddress.Loopback, value);
        }

        public List<Notify> Notifies
        {
            get
            {
                lock (_log)
                {
                    return [.. _notifies];
                }
            }
        }

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        private int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

        /// <summary>OPTIONS through Kamailio until a node answers (Kamailio and its dispatcher are up).</summary>
        public async Task WaitForKamailioAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            for (var i = 0; DateTime.UtcNow < deadline; i++)
            {
                var callId = CallId + "-options-" + i;
                await SendAsync($"OPTIONS sip:127.0.0.1:{_kamailio.Port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{Port};branch=z9hG4bK{callId};rport\r\n" +
                    $"From: <sip:probe@127.0.0.1>;tag={Tag}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
                if (await ResponseAsync(callId, 1, TimeSpan.FromSeconds(1)) is { StatusCode: 200 })
                {
                    return;
                }
            }

            throw new TimeoutException("Kamailio did not pass OPTIONS to a node within 15 s");
        }

        /// <summary>An initial (no <paramref name="toTag"/>) or in-dialog SUBSCRIBE through Kamailio, retransmitted as RFC 3261
        /// Timer E does (0.5, 1, 2 s...) until a final response; returns it.</summary>
        public async Task<SipMessage> SubscribeAsync(string? toTag, string? remoteTarget = null)
        {
            var cseq = ++_cseq;
            var route = RouteSet.Count > 0 && toTag is not null ? "Route: " + string.Join(", ", RouteSet) + "\r\n" : string.Empty;
            var text = $"SUBSCRIBE {remoteTarget ?? "sip:1001@127.0.0.1"} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{Port};branch=z9hG4bK{CallId}-{cseq};rport\r\n" +
                $"From: <sip:1001@127.0.0.1>;tag={Tag}\r\nTo: <sip:1001@127.0.0.1>{(toTag is null ? string.Empty : ";tag=" + toTag)}\r\n" +
                $"Call-ID: {CallId}\r\nCSeq: {cseq} SUBSCRIBE\r\n{route}Contact: <sip:1001@127.0.0.1:{Port}>\r\nEvent: message-summary\r\n" +
                "Accept: application/simple-message-summary\r\nExpires: 600\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
            var interval = TimeSpan.FromMilliseconds(500);
            var deadline = DateTime.UtcNow.AddSeconds(16);
            while (DateTime.UtcNow < deadline)
            {
                await SendAsync(text);
                if (await ResponseAsync(CallId, cseq, interval) is { StatusCode: >= 200 } final)
                {
                    if (toTag is null && final.StatusCode == 200)
                    {
                        foreach (var rr in final.GetHeaders(SipHeaderId.RecordRoute))
                        {
                            RouteSet.Insert(0, rr.Trim());
                        }

                        RemoteTarget = ContactUri(final);
                    }

                    return final;
                }

                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }

            throw new TimeoutException($"no final response to SUBSCRIBE CSeq {cseq}");
        }

        public async Task<Notify> WaitForNotifyAsync(Func<Notify, bool> match, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                Task arrived;
                lock (_log)
                {
                    foreach (var n in _notifies)
                    {
                        if (match(n))
                        {
                            return n;
                        }
                    }

                    arrived = _arrived.Task;
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"timed out waiting for {what}");
                }

                await Task.WhenAny(arrived, Task.Delay(left));
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            try
            {
                _receive.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The loop ends with the socket.
            }

            _stop.Dispose();
        }

        private static string? ContactUri(SipMessage message)
        {
            foreach (var c in message.GetHeaders(SipHeaderId.Contact))
            {
                var start = c.IndexOf('<', StringComparison.Ordinal);
                var end = c.IndexOf('>', StringComparison.Ordinal);
                return start >= 0 && end > start ? c[(start + 1)..end] : c.Trim();
            }

            return null;
        }

        private async Task<SipMessage?> ResponseAsync(string callId, long cseq, TimeSpan wait)
        {
            var deadline = DateTime.UtcNow + wait;
            while (true)
            {
                Task arrived;
                lock (_log)
                {
                    foreach (var r in _responses)
                    {
                        if (r.CallId == callId && r.CSeq.Number == cseq && r.StatusCode >= 200)
                        {
                            return r;
                        }
                    }

                    arrived = _arrived.Task;
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                await Task.WhenAny(arrived, Task.Delay(left));
            }
        }

        private async Task SendAsync(string text)
        {
            lock (_log)
            {
                _log.Append("--> ").AppendLine(text.Split("\r\n")[0]);
            }

            await SipUdp.SendAsync(_socket, _kamailio, text);
        }

        private async Task ReceiveLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult datagram;
                try
                {
                    datagram = await _socket.ReceiveAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                if (!SipMessageParser.TryParse(datagram.Buffer, SipLimits.Default, out var m, out _))
                {
                    continue;
                }

                if (m!.IsRequest && m.Method == SipMethod.Notify)
                {
                    await SipUdp.SendAsync(_socket, datagram.RemoteEndPoint, SipMessageBuilder.ResponseTo(m, 200).ToString());
                }

                lock (_log)
                {
                    _log.Append("<-- ").Append(m.IsRequest ? m.ToString().Split("\r\n")[0] : $"{m.StatusCode} {m.CSeq}").Append(' ').AppendLine(m.CallId);
                    if (m.IsRequest && m.Method == SipMethod.Notify && m.CallId == CallId)
                    {
                        var n = new Notify(m.CallId, m.FromTag, m.ToTag, m.CSeq.Number, State(m), Encoding.UTF8.GetString(m.Body.Span), datagram.RemoteEndPoint.Port);
                        // A retransmission repeats a CSeq; only a lower one is out of order.
                        if (n.CSeq < _lastNotifyCSeq)
                        {
                            OutOfOrder.Add($"{n.CSeq} after {_lastNotifyCSeq}");
                        }

                        _lastNotifyCSeq = Math.Max(_lastNotifyCSeq, n.CSeq);
                        _notifies.Add(n);
                    }
                    else if (m.IsResponse)
                    {
                        _responses.Add(m);
                    }

                    _arrived.TrySetResult();
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        private static string State(SipMessage m)
        {
            foreach (var s in m.GetHeaders(SipHeaderId.SubscriptionState))
            {
                return s;
            }

            return string.Empty;
        }
    }

    /// <summary>One NOTIFY the phone received (From tag is the server's, To tag the phone's).</summary>
    private sealed record Notify(string CallId, string? FromTag, string? ToTag, long CSeq, string State, string Body, int FromPort);
}
