using System.Runtime.CompilerServices;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Tests.Stack;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Transactions;

public sealed class SipServerTransactionTests
{
    [Fact]
    [Trait("RFC", "3261 17.2.2")]
    public void Retransmission_AfterFinal_ResendsLastResponseUntilTimerJ()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(200);
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        var request = SipStackHarness.Request("NOTIFY");
        h.Receive(request);
        Assert.Single(h.Transport.Sent);
        h.Advance(TimeSpan.FromSeconds(1));
        h.Receive(request);
        Assert.Equal(2, h.Transport.Sent.Count);
        Assert.Equal(h.Transport.Sent[0].Bytes, h.Transport.Sent[1].Bytes);
        Assert.Single(handler.Calls);
        h.Advance(TimeSpan.FromSeconds(31.1));
        h.Receive(request);
        Assert.Equal(2, handler.Calls.Count);
    }

    [Theory]
    [InlineData("NOTIFY")]
    [InlineData("SUBSCRIBE")]
    [InlineData("REGISTER")]
    [Trait("RFC", "3261 17.2.3")]
    public void SameBranch_NewCSeq_IsNewRequestWithItsOwnAnswer(string method)
    {
        // Asterisk chan_sip sends every in-dialog NOTIFY of a subscription with one Via branch and a growing CSeq.
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(200);
        h.Stack.RegisterHandler(SipMethodParser(method), handler);
        h.Receive(SipStackHarness.Request(method, cseq: 101, toTag: ";tag=tt1", extra: "Event: message-summary\r\n"));
        h.Advance(TimeSpan.FromMilliseconds(50));
        h.Receive(SipStackHarness.Request(method, cseq: 102, toTag: ";tag=tt1", extra: "Event: message-summary\r\n"));
        Assert.Equal(2, handler.Calls.Count);
        Assert.Equal(2, h.Transport.Sent.Count);
        using var second = h.Transport.Sent[1].Parse();
        Assert.Equal(102, second.CSeq.Number);

        // A genuine retransmission of either still gets its own cached answer and does not reach the handler.
        h.Receive(SipStackHarness.Request(method, cseq: 101, toTag: ";tag=tt1", extra: "Event: message-summary\r\n"));
        Assert.Equal(2, handler.Calls.Count);
        Assert.Equal(h.Transport.Sent[0].Bytes, h.Transport.Sent[2].Bytes);
    }

    private static SipMethod SipMethodParser(string method) => method switch
    {
        "NOTIFY" => SipMethod.Notify,
        "SUBSCRIBE" => SipMethod.Subscribe,
        _ => SipMethod.Register,
    };

    [Fact]
    [Trait("RFC", "3261 17.2.2")]
    public void Retransmission_InTrying_Absorbed()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        var request = SipStackHarness.Request("SUBSCRIBE", extra: "Event: message-summary\r\n");
        h.Receive(request);
        h.Receive(request);
        Assert.Empty(h.Transport.Sent);
        Assert.Single(handler.Calls);
        handler.Calls[0].Respond(handler.Calls[0].CreateResponse(202).AddHeader(SipHeaderId.Expires, "3600"));
        Assert.False(handler.Calls[0].Respond(200));
        using var response = h.SingleResponse();
        Assert.Equal(202, response.StatusCode);
        Assert.Equal(handler.Calls[0].LocalTag, response.ToTag);
    }

    [Fact]
    [Trait("RFC", "3261 17.2.2")]
    public void Retransmission_AfterProvisional_ResendsProvisional()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Register, handler);
        var request = SipStackHarness.Request("REGISTER");
        h.Receive(request);
        handler.Calls[0].Respond(100);
        h.Receive(request);
        Assert.Equal(2, h.Transport.Sent.Count);
        Assert.Contains("SIP/2.0 100 Trying", h.Transport.Sent[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("RFC", "3261 17.2.2")]
    public void Tcp_TimerJZero_RetransmissionIsNewTransaction()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(200);
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        var request = SipStackHarness.Request("NOTIFY", via: "SIP/2.0/TCP 192.0.2.10:5060");
        h.Receive(request, SipTransportKind.Tcp, 12);
        Assert.Equal(new SipDestination(SipTransportKind.Tcp, SipStackHarness.Phone, 12), h.Transport.Sent[0].Destination);
        h.Receive(request, SipTransportKind.Tcp, 12);
        Assert.Equal(2, handler.Calls.Count);
    }

    [Fact]
    [Trait("RFC", "3261 8.2.2.2")]
    public void MergedRequest_DifferentBranch_Gets482()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(SipStackHarness.Request("SUBSCRIBE", branch: "z9hG4bKpath1", extra: "Event: message-summary\r\n"));
        h.Receive(SipStackHarness.Request("SUBSCRIBE", branch: "z9hG4bKpath2", extra: "Event: message-summary\r\n"));
        Assert.Single(handler.Calls);
        using var response = h.SingleResponse();
        Assert.Equal(482, response.StatusCode);
        Assert.Equal("z9hG4bKpath2", response.TopViaBranch);
    }

    [Fact]
    public void MergedCheck_RequestInsideDialog_NotMerged()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        h.Receive(SipStackHarness.Request("NOTIFY", branch: "z9hG4bKa", toTag: ";tag=x"));
        h.Receive(SipStackHarness.Request("NOTIFY", branch: "z9hG4bKb", toTag: ";tag=x"));
        Assert.Equal(2, handler.Calls.Count);
    }

    [Fact]
    [Trait("RFC", "3261 17.2.1")]
    public void Invite_Udp_405WithTimerGUntilAck()
    {
        using var h = new SipStackHarness();
        h.Stack.RegisterHandler(SipMethod.Subscribe, new SipStackHarness.RecordingHandler(200));
        var invite = SipStackHarness.Request("INVITE");
        h.Receive(invite);
        using (var response = h.Transport.Sent[0].Parse())
        {
            Assert.Equal(405, response.StatusCode);
            Assert.Equal("OPTIONS, SUBSCRIBE", response.GetHeader(SipHeaderId.Allow));
            Assert.NotNull(response.ToTag);
        }

        h.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal([0, 0.5, 1.5, 3.5], h.SendOffsetsSeconds());
        h.Receive(invite);
        Assert.Equal(5, h.Transport.Sent.Count);
        h.Receive(SipStackHarness.Request("ACK").Replace("CSeq: 1 ACK", "CSeq: 1 ACK", StringComparison.Ordinal));
        h.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(5, h.Transport.Sent.Count);
        Assert.Equal(0, h.Stack.Statistics.Dropped);
    }

    [Fact]
    [Trait("RFC", "3261 17.2.1")]
    public void Invite_Udp_TimerHEndsRetransmissions()
    {
        using var h = new SipStackHarness();
        h.Receive(SipStackHarness.Request("INVITE"));
        h.Advance(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], h.SendOffsetsSeconds());
    }

    [Fact]
    public void Invite_Tcp_NoRetransmission()
    {
        using var h = new SipStackHarness();
        h.Receive(SipStackHarness.Request("INVITE", via: "SIP/2.0/TCP 192.0.2.10:5060"), SipTransportKind.Tcp, 5);
        h.Advance(TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(250));
        Assert.Single(h.Transport.Sent);
    }

    [Fact]
    public void Cancel_ForAnsweredInvite_200_Else481()
    {
        using var h = new SipStackHarness();
        h.Receive(SipStackHarness.Request("INVITE"));
        h.Receive(SipStackHarness.Request("CANCEL"));
        using (var ok = h.Transport.Sent[^1].Parse())
        {
            Assert.Equal(200, ok.StatusCode);
        }

        h.Receive(SipStackHarness.Request("CANCEL", branch: "z9hG4bKother", callId: "other"));
        using var missing = h.Transport.Sent[^1].Parse();
        Assert.Equal(481, missing.StatusCode);
    }

    [Fact]
    public void UnansweredRequest_FreedAfter64T1()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxTransactions = 1 });
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        h.Receive(SipStackHarness.Request("NOTIFY", callId: "a"));
        h.Advance(TimeSpan.FromSeconds(32.1), TimeSpan.FromMilliseconds(100));
        h.Receive(SipStackHarness.Request("NOTIFY", callId: "b", branch: "z9hG4bKb2"));
        Assert.Equal(2, handler.Calls.Count);
        Assert.True(handler.Calls[0].Respond(200));
        Assert.Empty(h.Transport.Sent);
    }

    [Fact]
    [Trait("RFC", "3261 17.2.2")]
    public void Completed_Udp_LetsGoOfRequestYetAbsorbsRetransmissionWithSameResponse()
    {
        using var h = new SipStackHarness();
        var handler = new WeakHandler();
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        var request = SipStackHarness.Request("NOTIFY");
        h.Receive(request);
        CollectFully();
        Assert.False(handler.Transaction!.TryGetTarget(out _), "the completed transaction is still reachable");
        // The request itself went back to the stack's pool (disposed, waiting to be reused), not held by the transaction.
        Assert.True(!handler.Request!.TryGetTarget(out var released) || !released.IsLive, "the request is still in use");
        Assert.Equal(1, h.Stack.Messages.Idle);
        h.Advance(TimeSpan.FromSeconds(1));
        h.Receive(request);
        h.Receive(request);
        Assert.Equal(3, h.Transport.Sent.Count);
        Assert.Equal(h.Transport.Sent[0].Bytes, h.Transport.Sent[1].Bytes);
        Assert.Equal(h.Transport.Sent[0].Bytes, h.Transport.Sent[2].Bytes);
        Assert.Equal(1, handler.Count);
        h.Advance(TimeSpan.FromSeconds(31.5));
        h.Receive(request);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    [Trait("RFC", "3261 8.2.2.2")]
    public void MergedRequest_AfterFinalResponse_Gets482UntilTimerJ()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(200);
        h.Stack.RegisterHandler(SipMethod.Subscribe, handler);
        h.Receive(SipStackHarness.Request("SUBSCRIBE", branch: "z9hG4bKpath1", extra: "Event: message-summary\r\n"));
        h.Advance(TimeSpan.FromSeconds(2));
        h.Receive(SipStackHarness.Request("SUBSCRIBE", branch: "z9hG4bKpath2", extra: "Event: message-summary\r\n"));
        Assert.Single(handler.Calls);
        using (var merged = h.Transport.Sent[^1].Parse())
        {
            Assert.Equal(482, merged.StatusCode);
        }

        h.Advance(TimeSpan.FromSeconds(31));
        h.Receive(SipStackHarness.Request("SUBSCRIBE", branch: "z9hG4bKpath3", extra: "Event: message-summary\r\n"));
        Assert.Equal(2, handler.Calls.Count);
    }

    [Fact]
    public void Completed_ManyUdp_AllExpireAfterTimerJ()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxTransactions = 50 });
        var handler = new SipStackHarness.RecordingHandler(200);
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        for (var i = 0; i < 50; i++)
        {
            h.Receive(SipStackHarness.Request("NOTIFY", branch: "z9hG4bKm" + i, callId: "m" + i));
            h.Advance(TimeSpan.FromMilliseconds(100));
        }

        // The table is full of completed transactions: one more is turned away with 503.
        h.Receive(SipStackHarness.Request("NOTIFY", branch: "z9hG4bKx", callId: "x"));
        Assert.Equal(50, handler.Calls.Count);
        h.Advance(TimeSpan.FromSeconds(32.5));
        for (var i = 0; i < 50; i++)
        {
            h.Receive(SipStackHarness.Request("NOTIFY", branch: "z9hG4bKn" + i, callId: "n" + i));
        }

        Assert.Equal(100, handler.Calls.Count);
    }

    private static void CollectFully()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Answers 200 and keeps only weak references, as a handler that is done with its transaction.</summary>
    private sealed class WeakHandler : ISipRequestHandler
    {
        public WeakReference<SipServerTransaction>? Transaction { get; private set; }

        public WeakReference<SipMessage>? Request { get; private set; }

        public int Count { get; private set; }

        public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
        {
            Handle(transaction);
            return ValueTask.CompletedTask;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Handle(SipServerTransaction transaction)
        {
            Count++;
            Transaction = new WeakReference<SipServerTransaction>(transaction);
            Request = new WeakReference<SipMessage>(transaction.Request);
            transaction.Respond(200);
        }
    }

    [Fact]
    public void Request_ReleasedOnlyOnceTheHandlerIsDoneAndTheFinalResponseGiven()
    {
        using var h = new SipStackHarness();
        var answerLater = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Subscribe, answerLater);
        h.Receive(SipStackHarness.Request("SUBSCRIBE", extra: "Event: message-summary\r\n"));
        var tx = Assert.Single(answerLater.Calls);

        // Handler returned without answering: the request stays readable until the answer.
        Assert.Equal("message-summary", tx.Request.GetHeader(SipHeaderId.Event));
        Assert.True(tx.Respond(200));
        // Released to the stack's pool: reading it now is a bug, and says so instead of showing another message.
        Assert.False(tx.Request.IsLive);
        Assert.Throws<ObjectDisposedException>(() => tx.Request.GetHeader(SipHeaderId.Event));
        Assert.Throws<ObjectDisposedException>(() => tx.Request.CallId);
        Assert.False(tx.Respond(500));

        var answerFirst = new SipStackHarness.RecordingHandler(200);
        h.Stack.RegisterHandler(SipMethod.Register, answerFirst);
        h.Receive(SipStackHarness.Request("REGISTER"));
        Assert.Equal(0, Assert.Single(answerFirst.Calls).Request.HeaderCount);
    }

    /// <summary>A handler answers on the shard, so the response itself is queued behind it: the after-sent step must wait for it
    /// (what the step sends, e.g. a NOTIFY to a phone that just registered, must not overtake the response).</summary>
    [Fact]
    public void RespondWithAfterSent_AnsweredOnTheShard_StepRunsOnceTheResponseIsWithTheTransport()
    {
        using var h = new SipStackHarness();
        var sentBeforeStep = new List<int>();
        h.Stack.RegisterHandler(SipMethod.Register, new AfterSentHandler(h.Transport, sentBeforeStep));

        h.Receive(SipStackHarness.Request("REGISTER"));

        Assert.Equal([1], sentBeforeStep);
        using var response = h.SingleResponse();
        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public void RespondWithAfterSent_SecondFinal_RefusedAndStepNotRun()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Register, handler);
        h.Receive(SipStackHarness.Request("REGISTER"));
        var tx = handler.Calls[0];
        var late = tx.CreateResponse(500);
        Assert.True(tx.Respond(200));
        var ran = false;

        Assert.False(tx.Respond<Action>(late, static r => r(), () => ran = true));

        Assert.False(ran);
        Assert.Single(h.Transport.Sent);
    }

    private sealed class AfterSentHandler(InMemorySipTransport transport, List<int> sentBeforeStep) : ISipRequestHandler
    {
        public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
        {
            transaction.Respond(transaction.CreateResponse(200), static s => s.Seen.Add(s.Transport.Sent.Count), (Transport: transport, Seen: sentBeforeStep));
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public void Respond_SpendsThePooledBuilder_WhatWentOutStaysIntact()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        h.Receive(SipStackHarness.Request("NOTIFY", branch: "z9hG4bKfirst", callId: "first"));
        var tx = handler.Calls[0];
        var trying = tx.CreateResponse(100);
        Assert.True(tx.Respond(trying));
        Assert.Throws<ObjectDisposedException>(() => trying.AddHeader(SipHeaderId.Expires, "1"));
        var ok = tx.CreateResponse(200).AddHeader(SipHeaderId.Expires, "3600");
        Assert.True(tx.Respond(ok));
        // Spent: its buffers went back to the pool, so a use would read another response's bytes; it throws instead.
        Assert.Throws<ObjectDisposedException>(() => ok.ToArray());
        Assert.Throws<ObjectDisposedException>(() => ok.GetHeader(SipHeaderId.Expires));
        var first = h.Transport.Sent[^1].Bytes;

        // The next responses reuse those buffers; the first one's retransmission still sends exactly what it sent.
        for (var i = 0; i < 3; i++)
        {
            h.Receive(SipStackHarness.Request("NOTIFY", branch: $"z9hG4bKnext{i}", callId: $"next-{i}"));
            var next = handler.Calls[^1];
            Assert.True(next.Respond(next.CreateResponse(486, "Busy Here").AddHeader(SipHeaderId.RetryAfter, "7")));
        }

        h.Receive(SipStackHarness.Request("NOTIFY", branch: "z9hG4bKfirst", callId: "first"));
        Assert.Equal(first, h.Transport.Sent[^1].Bytes);
        using var sent = h.Transport.Sent[^1].Parse();
        Assert.Equal(200, sent.StatusCode);
        Assert.Equal("3600", sent.GetHeader(SipHeaderId.Expires));
        Assert.Equal("first", sent.CallId);
    }
}
