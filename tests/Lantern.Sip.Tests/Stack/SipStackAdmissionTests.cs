using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;

namespace Lantern.Sip.Tests.Stack;

/// <summary>Admission control under overload (issue 13): new requests that waited past the bound are refused with a jittered
/// 503, work that completes dialogs goes first, retransmissions of queued requests are absorbed, queues stay bounded.
/// The shard is held busy by a handler that receives more messages (they queue behind it) and moves the fake clock.</summary>
public sealed class SipStackAdmissionTests
{
    private const string Event = "Event: message-summary\r\n";

    private static string NewSubscribe(string callId, string branch) =>
        SipStackHarness.Request("SUBSCRIBE", branch: branch, callId: callId, extra: Event);

    private static string InDialogSubscribe(string callId, string branch) =>
        SipStackHarness.Request("SUBSCRIBE", branch: branch, callId: callId, cseq: 2, toTag: ";tag=lt1", extra: Event);

    private static List<(int Status, string CallId, string? RetryAfter)> Responses(SipStackHarness h)
    {
        var list = new List<(int, string, string?)>();
        foreach (var sent in h.Transport.Sent)
        {
            using var m = sent.Parse();
            if (m.IsResponse)
            {
                list.Add((m.StatusCode, m.CallId, m.GetHeader(SipHeaderId.RetryAfter)));
            }
        }

        return list;
    }

    [Theory]
    [InlineData(150, 503)]
    [InlineData(50, 200)]
    public void NewRequest_WaitedPastBound_Refused503(int heldMs, int expected)
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxQueueDelay = TimeSpan.FromMilliseconds(100) });
        var handler = new BusyHandler(h, first: "a", during: [NewSubscribe("b", "z9hG4bKb")], hold: TimeSpan.FromMilliseconds(heldMs));
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        var b = Assert.Single(Responses(h), r => r.CallId == "b");
        Assert.Equal(expected, b.Status);
        Assert.Equal(expected == 503 ? 1 : 0, h.Stack.Statistics.Overloaded);
        Assert.Equal(expected == 503 ? ["a"] : ["a", "b"], handler.Handled);
        Assert.True(h.Stack.QueueDelay() >= TimeSpan.FromMilliseconds(heldMs));
    }

    [Fact]
    public void RefusedRequest_RetransmittedAfterThe503_GetsThe503Again_NotHandled()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxQueueDelay = TimeSpan.FromMilliseconds(100) });
        var handler = new BusyHandler(h, first: "a", during: [NewSubscribe("b", "z9hG4bKb")], hold: TimeSpan.FromMilliseconds(150));
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        var first = Assert.Single(Responses(h), r => r.CallId == "b");
        Assert.Equal(503, first.Status);

        // The phone's retransmission was on its way when the 503 left: a phone's transaction is over with the 503, so a
        // 200 (and a subscription the phone never learns of) would be wrong; it gets the same 503.
        h.Receive(NewSubscribe("b", "z9hG4bKb"));
        var answers = Responses(h).FindAll(r => r.CallId == "b");
        Assert.Equal(2, answers.Count);
        Assert.All(answers, r => Assert.Equal((503, first.RetryAfter), (r.Status, r.RetryAfter)));
        Assert.Equal(["a"], handler.Handled);

        // Kept for T4 only: a request with that key after it is handled as new.
        h.Time.Advance(TimeSpan.FromSeconds(6));
        h.Receive(NewSubscribe("b", "z9hG4bKb"));
        Assert.Equal(["a", "b"], handler.Handled);
        Assert.Equal(200, Responses(h).FindAll(r => r.CallId == "b")[^1].Status);
    }

    [Fact]
    public void RequestAnsweringOurChallenge_NotRefusedForDelay_UnlikeItsFirstAttempt()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxQueueDelay = TimeSpan.FromMilliseconds(100) });
        const string credentials = "Authorization: Digest username=\"1000\", realm=\"pbx.example.com\", nonce=\"n\", uri=\"sip:pbx.example.com\", response=\"0\"\r\n";
        var handler = new BusyHandler(h, "a",
            [SipStackHarness.Request("REGISTER", branch: "z9hG4bKb", callId: "b"),
             SipStackHarness.Request("REGISTER", branch: "z9hG4bKc", callId: "c", cseq: 2, extra: credentials)],
            TimeSpan.FromMilliseconds(300));
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Stack.RegisterHandler(SipMethod.Register, handler);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        // Both waited 300 ms behind a; the first attempt (no credentials) is refused, the answer to a challenge is served.
        Assert.Equal(503, Assert.Single(Responses(h), r => r.CallId == "b").Status);
        Assert.Equal(200, Assert.Single(Responses(h), r => r.CallId == "c").Status);
        Assert.Equal(["a", "c"], handler.Handled);
    }

    [Fact]
    public void Refused503_RetryAfterIsJitteredWithinConfiguredRange()
    {
        using var h = new SipStackHarness(new SipStackOptions
        {
            Shards = 1, MaxQueueDelay = TimeSpan.FromMilliseconds(100), RetryAfterSeconds = 5, RetryAfterJitterSeconds = 5,
        });
        var during = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            during.Add(NewSubscribe("n" + i, "z9hG4bKn" + i));
        }

        h.Stack.RegisterHandler(SipMethod.Subscribe, new BusyHandler(h, "a", [.. during], TimeSpan.FromMilliseconds(200)));
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        var refused = Responses(h).FindAll(r => r.Status == 503);
        Assert.Equal(60, refused.Count);
        var values = new HashSet<int>();
        foreach (var r in refused)
        {
            var seconds = int.Parse(r.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(seconds, 5, 10);
            values.Add(seconds);
        }

        // 60 draws from 6 values: all alike would mean no jitter (odds of that by chance: 6^-59).
        Assert.True(values.Count > 1);
    }

    [Fact]
    public void InDialogRequestsAndResponses_ServedBeforeNewRequests_AndNotRefused()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxQueueDelay = TimeSpan.FromMilliseconds(100) });
        var handler = new BusyHandler(h, "a", [NewSubscribe("b", "z9hG4bKb"), InDialogSubscribe("c", "z9hG4bKc")], TimeSpan.FromMilliseconds(300));
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        // c arrived after b but finishes a dialog: it ran first and, although it waited 300 ms too, was served.
        Assert.Equal(["a", "c"], handler.Handled);
        Assert.Equal(200, Assert.Single(Responses(h), r => r.CallId == "c").Status);
        Assert.Equal(503, Assert.Single(Responses(h), r => r.CallId == "b").Status);
    }

    [Fact]
    public async Task ResponseToOurRequest_RunsBeforeQueuedNewRequests()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxQueueDelay = TimeSpan.FromMilliseconds(100) });
        var notify = SipMessageBuilder.Request(SipMethod.Notify, "sip:phone@203.0.113.5")
            .AddHeader(SipHeaderId.From, "<sip:lantern@pbx.example.com>;tag=lt9").AddHeader(SipHeaderId.To, "<sip:1000@pbx.example.com>;tag=ft1")
            .AddHeader(SipHeaderId.CallId, "x").AddHeader(SipHeaderId.CSeq, "5 NOTIFY");
        var sending = h.Stack.SendRequestAsync(notify, new Lantern.Sip.Transport.SipDestination(Lantern.Sip.Transport.SipTransportKind.Udp, SipStackHarness.Phone), CancellationToken.None).AsTask();
        var ok = OkFor(Assert.Single(h.Transport.Sent).Text);
        bool? completedBeforeB = null;
        // While the shard is busy with a, a new SUBSCRIBE b arrives, then the 200 to our NOTIFY: the 200 goes first.
        var handler = new BusyHandler(h, "a", [NewSubscribe("b", "z9hG4bKb"), ok], TimeSpan.FromMilliseconds(20),
            onHandled: id => completedBeforeB = id == "b" ? sending.IsCompleted : completedBeforeB);
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(200, result.Response!.StatusCode);
        Assert.Equal(["a", "b"], handler.Handled);
        Assert.True(completedBeforeB);
    }

    [Fact]
    public void RetransmissionOfQueuedRequest_AbsorbedNotQueuedTwice()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1 });
        var queuedWhileBusy = -1;
        var handler = new BusyHandler(h, "a", [NewSubscribe("b", "z9hG4bKb"), NewSubscribe("b", "z9hG4bKb")], TimeSpan.FromMilliseconds(10))
        {
            AfterDuring = () => queuedWhileBusy = h.Stack.QueuedEvents(),
        };
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        Assert.Equal(1, queuedWhileBusy);
        Assert.Equal(1, h.Stack.Absorbed);
        Assert.Equal(["a", "b"], handler.Handled);
        Assert.Single(Responses(h), r => r.CallId == "b");
    }

    [Fact]
    public void BacklogProbePastBound_RefusesNewRequests_ServesInDialog()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxBacklogDelay = TimeSpan.FromMilliseconds(250) });
        var handler = new SipStackHarness.RecordingHandler(200);
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        var backlog = TimeSpan.FromMilliseconds(300);
        h.Stack.SetBacklogProbe(() => backlog);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        h.Receive(InDialogSubscribe("c", "z9hG4bKc"));
        backlog = TimeSpan.FromMilliseconds(200);
        h.Receive(NewSubscribe("d", "z9hG4bKd"));
        var responses = Responses(h);
        Assert.Equal(503, Assert.Single(responses, r => r.CallId == "a").Status);
        Assert.Equal(200, Assert.Single(responses, r => r.CallId == "c").Status);
        Assert.Equal(200, Assert.Single(responses, r => r.CallId == "d").Status);
    }

    [Fact]
    public void QueueBoundedByConfiguration_BeyondIt503AtOnce()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxQueuedPerShard = 2, RetryAfterJitterSeconds = 0 });
        var maxQueued = 0;
        var during = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            during.Add(NewSubscribe("n" + i, "z9hG4bKn" + i));
        }

        var handler = new BusyHandler(h, "a", [.. during], TimeSpan.Zero) { AfterDuring = () => maxQueued = h.Stack.QueuedEvents() };
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(NewSubscribe("a", "z9hG4bKa"));
        Assert.Equal(2, maxQueued);
        Assert.Equal(3, Responses(h).FindAll(r => r.Status == 503).Count);
        Assert.Equal(["a", "n0", "n1"], handler.Handled);
    }

    [Fact]
    public void Executor_FirstLaneBeforeNewLane_InOrderWithinEach()
    {
        var executor = new SerialExecutor(10, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var order = new List<string>();
        executor.TryPost(() =>
        {
            executor.TryPostNew(() => order.Add("new1"));
            executor.TryPost(() => order.Add("cont1"));
            executor.TryPostNew(() => order.Add("new2"));
            executor.TryPost(() => order.Add("cont2"));
            order.Add("first");
        });
        Assert.Equal(["first", "cont1", "cont2", "new1", "new2"], order);
    }

    private static string OkFor(string request)
    {
        Assert.True(SipMessageParser.TryParse(System.Text.Encoding.UTF8.GetBytes(request), SipLimits.Default, out var m, out _));
        using (m)
        {
            return $"SIP/2.0 200 OK\r\nVia: {m!.GetHeader(SipHeaderId.Via)}\r\nFrom: {m.GetHeader(SipHeaderId.From)}\r\n" +
                $"To: {m.GetHeader(SipHeaderId.To)}\r\nCall-ID: {m.CallId}\r\nCSeq: {m.GetHeader(SipHeaderId.CSeq)}\r\nContent-Length: 0\r\n\r\n";
        }
    }

    /// <summary>Answers 200; while handling <c>first</c> it receives <c>during</c> (queued behind it on the busy shard) and
    /// moves the clock by <c>hold</c>, as a slow request would.</summary>
    private sealed class BusyHandler(SipStackHarness h, string first, string[] during, TimeSpan hold, Action<string>? onHandled = null) : ISipRequestHandler
    {
        public List<string> Handled { get; } = [];

        public Action? AfterDuring { get; init; }

        public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
        {
            var id = transaction.Request.CallId;
            Handled.Add(id);
            onHandled?.Invoke(id);
            if (id == first)
            {
                foreach (var m in during)
                {
                    h.Receive(m);
                }

                AfterDuring?.Invoke();
                h.Time.Advance(hold);
            }

            transaction.Respond(200);
            return ValueTask.CompletedTask;
        }
    }
}
