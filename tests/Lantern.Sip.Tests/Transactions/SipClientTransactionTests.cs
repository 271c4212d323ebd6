using System.Net;
using Lantern.Sip.Messages;
using Lantern.Sip.Tests.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Transactions;

public sealed class SipClientTransactionTests
{
    private static readonly IPEndPoint Target = new(IPAddress.Parse("192.0.2.10"), 5060);

    private static SipMessageBuilder Notify(string callId = "n-1") => SipMessageBuilder.Request(SipMethod.Notify, "sip:1000@192.0.2.10")
        .AddHeader(SipHeaderId.From, "<sip:1000@pbx.example.com>;tag=srv")
        .AddHeader(SipHeaderId.To, "<sip:1000@pbx.example.com>;tag=ph")
        .AddHeader(SipHeaderId.CallId, callId)
        .AddHeader(SipHeaderId.CSeq, "1 NOTIFY")
        .AddHeader(SipHeaderId.Event, "message-summary")
        .SetBody("Messages-Waiting: no\r\n", "application/simple-message-summary");

    private static void Answer(SipStackHarness h, InMemorySipTransport.SentMessage request, int status, SipTransportKind kind = SipTransportKind.Udp)
    {
        using var req = request.Parse();
        h.Receive(SipMessageBuilder.ResponseTo(req, status, toTag: "ph").ToString(), kind, 77);
    }

    [Fact]
    [Trait("RFC", "3261 17.1.2.2")]
    public async Task SendRequest_Udp_RetransmitsOnTimerEThenTimesOutOnTimerF()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Udp, Target), CancellationToken.None);
        h.Advance(TimeSpan.FromSeconds(31.9));
        Assert.False(pending.IsCompleted);
        h.Advance(TimeSpan.FromSeconds(0.2));
        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SipClientFailure.Timeout, result.Failure);
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], h.SendOffsetsSeconds());
        Assert.Equal(1, h.Stack.Statistics.ClientFailures);
    }

    [Fact]
    [Trait("RFC", "3261 17.1.2.2")]
    public async Task SendRequest_Tcp_NoRetransmissionTimesOutAt32s()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Tcp, Target), CancellationToken.None);
        h.Advance(TimeSpan.FromSeconds(31.9));
        Assert.False(pending.IsCompleted);
        h.Advance(TimeSpan.FromSeconds(0.2));
        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SipClientFailure.Timeout, result.Failure);
        Assert.Equal([0], h.SendOffsetsSeconds());
        Assert.Contains("Via: SIP/2.0/TCP 198.51.100.1:5060;branch=z9hG4bK", h.Transport.Sent[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendRequest_FinalResponse_CompletesAndAbsorbsRetransmissionUntilTimerK()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Udp, Target), CancellationToken.None);
        var sent = h.Transport.Sent[0];
        Assert.Contains(";rport", sent.Text, StringComparison.Ordinal);
        Assert.Contains("Max-Forwards: 70", sent.Text, StringComparison.Ordinal);
        h.Advance(TimeSpan.FromSeconds(0.2));
        Answer(h, sent, 200);
        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result.Succeeded);
        Assert.Equal(200, result.Response!.StatusCode);
        Answer(h, sent, 200);
        Assert.Equal(0, h.Stack.Statistics.Dropped);
        h.Advance(TimeSpan.FromSeconds(5.1));
        Answer(h, sent, 200);
        Assert.Equal(1, h.Stack.Statistics.Dropped);
        h.Advance(TimeSpan.FromSeconds(40));
        Assert.Single(h.Transport.Sent);
    }

    [Fact]
    public async Task SendRequest_TcpFinalResponse_TimerKZero()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Tcp, Target), CancellationToken.None);
        Answer(h, h.Transport.Sent[0], 481, SipTransportKind.Tcp);
        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(481, result.Response!.StatusCode);
        Answer(h, h.Transport.Sent[0], 481, SipTransportKind.Tcp);
        Assert.Equal(1, h.Stack.Statistics.Dropped);
    }

    [Fact]
    [Trait("RFC", "3261 17.1.2.2")]
    public async Task SendRequest_ProvisionalResponse_RetransmitsEveryT2()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Udp, Target), CancellationToken.None);
        h.Advance(TimeSpan.FromSeconds(0.6));
        Answer(h, h.Transport.Sent[0], 100);
        h.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([0, 0.5, 1.5, 5.5, 9.5], h.SendOffsetsSeconds());
        Answer(h, h.Transport.Sent[0], 200);
        Assert.True((await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Succeeded);
    }

    [Fact]
    public async Task SendRequest_TransportError_ReportsFailure()
    {
        using var h = new SipStackHarness();
        h.Transport.FailSends = true;
        var result = await h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Tcp, Target), CancellationToken.None)
            .AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SipClientFailure.TransportError, result.Failure);
        Assert.Equal("unreachable", result.Error);
    }

    [Fact]
    public async Task SendRequest_ConnectionClosed_ReportsFailure()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Tcp, Target), CancellationToken.None);
        h.Stack.OnConnectionClosed(77);
        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SipClientFailure.TransportError, result.Failure);
    }

    [Fact]
    [Trait("RFC", "3261 18.1.1")]
    public async Task SendRequest_LargeUdpRequest_GoesOverTcp()
    {
        using var h = new SipStackHarness();
        var big = Notify().SetBody(new string('x', 1400), "text/plain");
        var pending = h.Stack.SendRequestAsync(big, new SipDestination(SipTransportKind.Udp, Target), CancellationToken.None);
        Assert.Equal(SipTransportKind.Tcp, h.Transport.Sent[0].Destination.Transport);
        Answer(h, h.Transport.Sent[0], 200, SipTransportKind.Tcp);
        Assert.True((await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Succeeded);
    }

    [Fact]
    public async Task SendRequest_BranchesAreFreshAndUnguessable()
    {
        using var h = new SipStackHarness();
        var first = h.Stack.SendRequestAsync(Notify("a"), new SipDestination(SipTransportKind.Tcp, Target), CancellationToken.None).AsTask();
        var second = h.Stack.SendRequestAsync(Notify("b"), new SipDestination(SipTransportKind.Tcp, Target), CancellationToken.None).AsTask();
        using var a = h.Transport.Sent[0].Parse();
        using var b = h.Transport.Sent[1].Parse();
        Assert.StartsWith("z9hG4bK", a.TopViaBranch, StringComparison.Ordinal);
        Assert.True(a.TopViaBranch.Length >= 7 + 32);
        Assert.NotEqual(a.TopViaBranch, b.TopViaBranch);
        h.Stack.Dispose();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SendRequest_MissingCallId_Throws()
    {
        using var h = new SipStackHarness();
        var b = SipMessageBuilder.Request(SipMethod.Notify, "sip:a@b").AddHeader(SipHeaderId.From, "<sip:a@b>;tag=1").AddHeader(SipHeaderId.To, "<sip:a@b>")
            .AddHeader(SipHeaderId.CSeq, "1 NOTIFY");
        await Assert.ThrowsAsync<ArgumentException>(() => h.Stack.SendRequestAsync(b, new SipDestination(SipTransportKind.Udp, Target), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task SendRequest_Cancelled_CompletesOnceWithCancellationWhileTheTransactionGoesOn()
    {
        var logger = new RecordingLogger();
        using var h = new SipStackHarness(logger: logger);
        using var cts = new CancellationTokenSource();
        var udp = new SipDestination(SipTransportKind.Udp, Target);
        var waiting = h.Stack.SendRequestAsync(Notify(), udp, cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));

        // Only the wait stopped: Timer E still retransmits, and the final response then ends the transaction without a second
        // completion (which would fail on the shard and be logged as an error).
        h.Advance(TimeSpan.FromSeconds(0.6));
        Assert.Equal(2, h.Transport.Sent.Count);
        Answer(h, h.Transport.Sent[0], 200);
        h.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(2, h.Transport.Sent.Count);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Equal(0, h.Stack.Statistics.ClientFailures);
        Assert.Equal(0, h.Stack.Statistics.Dropped);

        // Given back to the pool exactly once, and reusable.
        Assert.Equal(1, h.Stack.IdleClientTransactions());
        using var live = new CancellationTokenSource();
        var next = h.Stack.SendRequestAsync(Notify("n-2"), udp, live.Token);
        Assert.Equal(0, h.Stack.IdleClientTransactions());
        Answer(h, h.Transport.Sent[^1], 200);
        var result = await next;
        Assert.Equal("n-2", result.Response!.CallId);
        result.Response.Dispose();
        Assert.Equal(1, h.Stack.IdleClientTransactions());
    }

    [Fact]
    public async Task SendRequest_CancelledAfterTheResponse_KeepsTheResponse()
    {
        using var h = new SipStackHarness();
        using var cts = new CancellationTokenSource();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Udp, Target), cts.Token);
        Answer(h, h.Transport.Sent[0], 200);
        await cts.CancelAsync();
        var result = await pending;
        Assert.Equal(200, result.Response!.StatusCode);
        result.Response.Dispose();
        h.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, h.Stack.IdleClientTransactions());
    }

    [Fact]
    public async Task SendRequest_NotYetAwaited_IsNeverReusedByLaterSends()
    {
        using var h = new SipStackHarness();
        var udp = new SipDestination(SipTransportKind.Udp, Target);
        var first = h.Stack.SendRequestAsync(Notify("first"), udp, CancellationToken.None);
        Answer(h, h.Transport.Sent[0], 200);
        // Timer K: the transaction has ended on the shard, but its caller has not read the outcome yet.
        h.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, h.Stack.IdleClientTransactions());
        for (var i = 0; i < 3; i++)
        {
            var later = h.Stack.SendRequestAsync(Notify($"later-{i}"), udp, CancellationToken.None);
            Answer(h, h.Transport.Sent[^1], 486);
            var r = await later;
            Assert.Equal($"later-{i}", r.Response!.CallId);
            r.Response.Dispose();
            h.Advance(TimeSpan.FromSeconds(6));
        }

        var result = await first;
        Assert.Equal("first", result.Response!.CallId);
        Assert.Equal(200, result.Response.StatusCode);
        result.Response.Dispose();
        Assert.Equal(2, h.Stack.IdleClientTransactions());
    }

    [Fact]
    public async Task SendRequest_TimerFired_TransactionLeavesNothingQueued()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Udp, Target), CancellationToken.None);
        Assert.Equal(2, h.Stack.QueuedTimers);
        Answer(h, h.Transport.Sent[0], 200);
        // Timer E and F are out of the queue at once; only Timer K's sweep stays.
        Assert.Equal(1, h.Stack.QueuedTimers);
        (await pending).Response!.Dispose();
        h.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, h.Stack.QueuedTimers);
    }

    [Fact]
    public async Task EndedTransactions_LeaveNoTimersQueued()
    {
        using var h = new SipStackHarness();
        h.Stack.RegisterHandler(SipMethod.Notify, new SipStackHarness.RecordingHandler(200));
        var udp = new SipDestination(SipTransportKind.Udp, Target);
        // One NOTIFY of ours left unanswered keeps live timers (its E and F) ahead of the ended ones, as in a running server.
        var open = h.Stack.SendRequestAsync(Notify("open"), udp, CancellationToken.None).AsTask();
        for (var i = 0; i < 100; i++)
        {
            h.Receive(SipStackHarness.Request("NOTIFY", branch: $"z9hG4bKin{i}", callId: $"in-{i}"));
            var sent = h.Stack.SendRequestAsync(Notify($"out-{i}"), udp, CancellationToken.None);
            Answer(h, h.Transport.Sent[^1], 200);
            (await sent).Response!.Dispose();
        }

        // Before issue 13's timer heap, each answered request's deadline and each NOTIFY's Timer E and F stayed queued until
        // due (64·T1), holding their transactions: 300 here. Now: the open NOTIFY's E and F, and one sweep each for Timer J,
        // Timer K and the server deadlines (a FIFO of keys, which holds no transaction).
        Assert.Equal(5, h.Stack.QueuedTimers);
        h.Advance(TimeSpan.FromSeconds(33));
        Assert.Equal(SipClientFailure.Timeout, (await open).Failure);
        Assert.Equal(0, h.Stack.QueuedTimers);
    }

    [Fact]
    [Trait("RFC", "3261 17.1.3")]
    public async Task Response_MatchesOnlyTheExactBranch()
    {
        using var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(Notify(), new SipDestination(SipTransportKind.Udp, Target), CancellationToken.None);
        var text = h.Transport.Sent[0].Text;
        var at = text.IndexOf("branch=", StringComparison.Ordinal) + "branch=".Length;
        var branch = text.Substring(at, "z9hG4bK".Length + 32);
        Assert.Matches("^z9hG4bK[0-9a-f]{32}$", branch);
        string Response(string b) => "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.1:5060;branch=" + b + ";rport\r\n"
            + "From: <sip:1000@pbx.example.com>;tag=srv\r\nTo: <sip:1000@pbx.example.com>;tag=ph\r\nCall-ID: n-1\r\nCSeq: 1 NOTIFY\r\n"
            + "Content-Length: 0\r\n\r\n";

        // Case, length or the cookie differing: another transaction's response (or none of ours), dropped.
        h.Receive(Response(branch.ToUpperInvariant()));
        h.Receive(Response(branch[..^1]));
        h.Receive(Response(branch + "0"));
        h.Receive(Response("z9hG4bk" + branch[7..]));
        Assert.False(pending.IsCompleted);
        Assert.Equal(4, h.Stack.Statistics.Dropped);
        h.Receive(Response(branch).Replace("CSeq: 1 NOTIFY", "CSeq: 1 SUBSCRIBE", StringComparison.Ordinal));
        Assert.False(pending.IsCompleted);

        h.Receive(Response(branch));
        var result = await pending;
        Assert.Equal(200, result.Response!.StatusCode);
        result.Response.Dispose();
    }

    [Fact]
    public async Task TimerRunQueuedBehindTheFinalResponse_NeverReachesTheNextUse()
    {
        using var h = new SipStackHarness();
        var handler = new InlineHandler();
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        var udp = new SipDestination(SipTransportKind.Udp, Target);
        // AsTask: the outcome is read as soon as it is given, so only the shard's own hold keeps the transaction.
        var first = h.Stack.SendRequestAsync(Notify("n-1"), udp, CancellationToken.None).AsTask();
        var firstRequest = h.Transport.Sent[0];
        h.Advance(TimeSpan.FromSeconds(0.45));
        Task<SipClientResult>? second = null;
        handler.Actions.Enqueue(() =>
        {
            // On the shard, queued in this order: the final response, an in-dialog request whose handler sends the next NOTIFY,
            // and the run of Timer E, which falls due now.
            Answer(h, firstRequest, 200);
            h.Receive(SipStackHarness.Request("SUBSCRIBE", branch: "z9hG4bKs2", callId: "s-2", toTag: ";tag=t2"));
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
        });
        handler.Actions.Enqueue(() => second = h.Stack.SendRequestAsync(Notify("n-2"), udp, CancellationToken.None).AsTask());
        h.Receive(SipStackHarness.Request("SUBSCRIBE", branch: "z9hG4bKs1", callId: "s-1", toTag: ";tag=t1"));

        var result = await first;
        Assert.Equal(200, result.Response!.StatusCode);
        result.Response.Dispose();
        Assert.NotNull(second);
        Assert.False(second.IsCompleted);
        // The first transaction's E run found it Completed and did nothing; had the transaction been reused by the second
        // NOTIFY before that run, the run would have sent the second NOTIFY a second time at once.
        Assert.Single(h.Transport.Sent, m => m.Text.StartsWith("NOTIFY", StringComparison.Ordinal) && m.Text.Contains("Call-ID: n-2", StringComparison.Ordinal));
        Assert.Single(h.Transport.Sent, m => m.Text.StartsWith("NOTIFY", StringComparison.Ordinal) && m.Text.Contains("Call-ID: n-1", StringComparison.Ordinal));
        Answer(h, h.Transport.Sent[^1], 200);
        (await second).Response!.Dispose();
    }

    /// <summary>Answers 200, then runs the next queued action on the shard.</summary>
    private sealed class InlineHandler : Lantern.Sip.Stack.ISipRequestHandler
    {
        public Queue<Action> Actions { get; } = new();

        public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
        {
            transaction.Respond(200);
            Actions.Dequeue()();
            return ValueTask.CompletedTask;
        }
    }
}
