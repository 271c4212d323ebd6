using System.Net;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Stack;

public sealed class SipStackTests
{
    private static SipMessage Answer(string request, SipStackOptions? options = null, Action<SipStack>? setup = null)
    {
        using var h = new SipStackHarness(options);
        setup?.Invoke(h.Stack);
        h.Receive(request);
        return h.SingleResponse();
    }

    [Fact]
    public void Options_NoHandler_200WithAllowAcceptAllowEvents()
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS"), setup: s => s.RegisterHandler(SipMethod.Subscribe, new SipStackHarness.RecordingHandler(200)));
        Assert.Equal(200, r.StatusCode);
        Assert.Equal("OPTIONS, SUBSCRIBE", r.GetHeader(SipHeaderId.Allow));
        Assert.Equal("application/simple-message-summary", r.GetHeader(SipHeaderId.Accept));
        Assert.Equal("message-summary", r.GetHeader(SipHeaderId.AllowEvents));
        Assert.NotNull(r.ToTag);
    }

    [Fact]
    public void UnhandledMethod_405WithAllow()
    {
        using var r = Answer(SipStackHarness.Request("PUBLISH"));
        Assert.Equal(405, r.StatusCode);
        Assert.Equal("OPTIONS", r.GetHeader(SipHeaderId.Allow));
    }

    [Fact]
    public void UnknownMethod_405()
    {
        using var r = Answer(SipStackHarness.Request("FROBNICATE"));
        Assert.Equal(405, r.StatusCode);
    }

    [Fact]
    public void MaxForwardsZero_ProcessedAsUas()
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS").Replace("Max-Forwards: 70", "Max-Forwards: 0", StringComparison.Ordinal));
        Assert.Equal(200, r.StatusCode);
    }

    [Fact]
    public void UnsupportedUriScheme_416()
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS", uri: "http://pbx.example.com/"));
        Assert.Equal(416, r.StatusCode);
    }

    [Fact]
    public void UnknownRequire_420WithUnsupported()
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS", extra: "Require: 100rel, path\r\n"),
            new SipStackOptions { Shards = 1, SupportedExtensions = ["path"] });
        Assert.Equal(420, r.StatusCode);
        Assert.Equal("100rel", r.GetHeader(SipHeaderId.Unsupported));
    }

    [Fact]
    public void SupportedRequire_Passes()
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS", extra: "Require: path\r\n"), new SipStackOptions { Shards = 1, SupportedExtensions = ["path"] });
        Assert.Equal(200, r.StatusCode);
        Assert.Equal("path", r.GetHeader(SipHeaderId.Supported));
    }

    [Fact]
    public void WrongVersion_505()
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS").Replace("SIP/2.0\r\nVia", "SIP/3.0\r\nVia", StringComparison.Ordinal));
        Assert.Equal(505, r.StatusCode);
        Assert.Equal("Unsupported SIP Version", r.ReasonPhrase);
    }

    [Fact]
    public void BodyTooLarge_513()
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS", body: new string('x', 17 * 1024)));
        Assert.Equal(513, r.StatusCode);
    }

    [Theory]
    [InlineData("Content-Length: 0\r\n\r\n", "Content-Length: 40\r\n\r\n", "Content-Length Mismatch")]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: one OPTIONS", "Malformed CSeq")]
    [InlineData("Max-Forwards: 70", "Max-Forwards: many", "Malformed Max-Forwards")]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: 1 NOTIFY", "CSeq Method Mismatch")]
    [InlineData("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nBogus header line\r\n", "Bad Header: Missing Colon")]
    public void BadRequest_400WithNamedReason(string find, string replace, string reason)
    {
        using var r = Answer(SipStackHarness.Request("OPTIONS").Replace(find, replace, StringComparison.Ordinal));
        Assert.Equal(400, r.StatusCode);
        Assert.Equal(reason, r.ReasonPhrase);
    }

    [Fact]
    public void Rfc2543RequestWithoutBranch_AnsweredAndRetransmissionMatchedByCallIdAndFromTag()
    {
        using var h = new SipStackHarness();
        var first = SipStackHarness.Request("OPTIONS", branch: "x").Replace(";branch=x", string.Empty, StringComparison.Ordinal);
        h.Receive(first);
        h.Receive(first);
        h.Receive(first.Replace("Call-ID: call-1", "Call-ID: call-2", StringComparison.Ordinal));
        Assert.Equal(3, h.Transport.Sent.Count);
        using var a = h.Transport.Sent[0].Parse();
        using var b = h.Transport.Sent[1].Parse();
        using var c = h.Transport.Sent[2].Parse();
        Assert.Equal(200, a.StatusCode);
        Assert.Equal(a.ToTag, b.ToTag);
        Assert.NotEqual(a.ToTag, c.ToTag);
    }

    [Theory]
    [InlineData("CSeq: 1 OPTIONS\r\n")]
    [InlineData("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKb1;rport\r\n")]
    public void RequestWithoutViaOrCSeq_DroppedAndCounted(string remove)
    {
        using var h = new SipStackHarness();
        h.Receive(SipStackHarness.Request("OPTIONS").Replace(remove, string.Empty, StringComparison.Ordinal));
        Assert.Empty(h.Transport.Sent);
        Assert.Equal(1, h.Stack.Statistics.Dropped);
    }

    [Theory]
    [InlineData("Call-ID: call-1\r\n", "Missing Call-ID")]
    [InlineData("To: <sip:1000@pbx.example.com>\r\n", "Missing To")]
    [InlineData("From: <sip:1000@pbx.example.com>;tag=ft1\r\n", "Missing From")]
    public void RequestWithoutFromToOrCallId_StatelessBadRequestToViaSource(string remove, string reason)
    {
        using var h = new SipStackHarness();
        h.Receive(SipStackHarness.Request("OPTIONS").Replace(remove, string.Empty, StringComparison.Ordinal));
        var sent = Assert.Single(h.Transport.Sent);
        Assert.StartsWith($"SIP/2.0 400 {reason}\r\n", sent.Text, StringComparison.Ordinal);
        Assert.Contains("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKb1;received=203.0.113.5;rport=40123\r\n", sent.Text, StringComparison.Ordinal);
        Assert.Contains("CSeq: 1 OPTIONS\r\n", sent.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(remove, sent.Text, StringComparison.Ordinal);
        Assert.Equal(0, h.Stack.Statistics.Dropped);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("\u0000\u0001\r\n\r\n")]
    public void Garbage_DroppedAndCounted(string text)
    {
        using var h = new SipStackHarness();
        h.Receive(text);
        Assert.Empty(h.Transport.Sent);
        Assert.Equal(1, h.Stack.Statistics.Dropped);
    }

    [Fact]
    [Trait("RFC", "3581 4")]
    public void UdpResponse_GoesToSourceAddressAndRport_WithReceivedInVia()
    {
        using var h = new SipStackHarness();
        h.Receive(SipStackHarness.Request("OPTIONS"));
        var sent = Assert.Single(h.Transport.Sent);
        Assert.Equal(new SipDestination(SipTransportKind.Udp, SipStackHarness.Phone), sent.Destination);
        Assert.Contains("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKb1;received=203.0.113.5;rport=40123\r\n", sent.Text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("RFC", "3261 18.2.2")]
    public void UdpResponse_WithoutRport_GoesToSentByPort()
    {
        using var h = new SipStackHarness();
        h.Receive(SipStackHarness.Request("OPTIONS").Replace(";rport", string.Empty, StringComparison.Ordinal));
        var sent = Assert.Single(h.Transport.Sent);
        Assert.Equal(new IPEndPoint(SipStackHarness.Phone.Address, 5060), sent.Destination.Remote);
        Assert.Contains(";received=203.0.113.5\r\n", sent.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Overloaded_503WithRetryAfter()
    {
        using var h = new SipStackHarness(new SipStackOptions { Shards = 1, MaxTransactions = 1, RetryAfterSeconds = 7, RetryAfterJitterSeconds = 0 });
        h.Stack.RegisterHandler(SipMethod.Subscribe, new SipStackHarness.RecordingHandler(null));
        h.Receive(SipStackHarness.Request("SUBSCRIBE", callId: "a", extra: "Event: message-summary\r\n"));
        h.Receive(SipStackHarness.Request("SUBSCRIBE", callId: "b", branch: "z9hG4bKz", extra: "Event: message-summary\r\n"));
        using var r = h.SingleResponse();
        Assert.Equal(503, r.StatusCode);
        Assert.Equal("7", r.GetHeader(SipHeaderId.RetryAfter));
        Assert.Equal(1, h.Stack.Statistics.Overloaded);
    }

    [Fact]
    public async Task Handler_RespondsLaterFromAnotherThread()
    {
        using var h = new SipStackHarness();
        var handler = new SipStackHarness.RecordingHandler(null);
        h.Stack.RegisterHandler(SipMethod.Notify, handler);
        h.Receive(SipStackHarness.Request("NOTIFY"));
        Assert.Equal(SipMethod.Notify, handler.Calls[0].Request.Method);
        await Task.Run(() => handler.Calls[0].Respond(200)).WaitAsync(TimeSpan.FromSeconds(5));
        using var r = h.SingleResponse();
        Assert.Equal(200, r.StatusCode);
    }

    [Fact]
    public void Handler_Throws_500()
    {
        using var r = Answer(SipStackHarness.Request("NOTIFY"),
            setup: s => s.RegisterHandler(SipMethod.Notify, new SipStackHarness.RecordingHandler(null, new InvalidOperationException("boom"))));
        Assert.Equal(500, r.StatusCode);
    }

    [Fact]
    public void RegisterHandler_Invite_Throws()
    {
        using var h = new SipStackHarness();
        Assert.Throws<ArgumentException>(() => h.Stack.RegisterHandler(SipMethod.Invite, new SipStackHarness.RecordingHandler(200)));
    }

    [Fact]
    public void AllowedMethods_DerivedFromHandlers()
    {
        using var h = new SipStackHarness();
        h.Stack.RegisterHandler(SipMethod.Notify, new SipStackHarness.RecordingHandler(200));
        h.Stack.RegisterHandler(SipMethod.Register, new SipStackHarness.RecordingHandler(200));
        Assert.Equal([SipMethod.Options, SipMethod.Register, SipMethod.Notify], h.Stack.AllowedMethods);
    }

    [Fact]
    public void StrayResponse_DroppedAndCounted()
    {
        using var h = new SipStackHarness();
        h.Receive("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKnope\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n");
        Assert.Empty(h.Transport.Sent);
        Assert.Equal(1, h.Stack.Statistics.Dropped);
    }

    [Fact]
    public async Task Dispose_FailsPendingClientTransactions()
    {
        var h = new SipStackHarness();
        var pending = h.Stack.SendRequestAsync(SipMessageBuilder.Request(SipMethod.Notify, "sip:a@b")
            .AddHeader(SipHeaderId.From, "<sip:a@b>;tag=1").AddHeader(SipHeaderId.To, "<sip:a@b>").AddHeader(SipHeaderId.CallId, "c")
            .AddHeader(SipHeaderId.CSeq, "1 NOTIFY"), new SipDestination(SipTransportKind.Udp, SipStackHarness.Phone), CancellationToken.None);
        h.Dispose();
        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SipClientFailure.Stopped, result.Failure);
    }
}
