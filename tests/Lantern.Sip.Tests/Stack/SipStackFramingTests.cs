using System.Text;
using Lantern.Sip.Messages;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Stack;

public sealed class SipStackFramingTests
{
    private static readonly SipSource Stream = new(SipTransportKind.Tcp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 42);

    private static string Headers(string extra = "") =>
        "OPTIONS sip:1000@pbx.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bKf1;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:1000@pbx.example.com>;tag=ft1\r\n" +
        "To: <sip:1000@pbx.example.com>\r\n" +
        "Call-ID: framing-1\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        extra + "\r\n";

    private static async Task<InMemorySipTransport.SentMessage?> AnswerAsync(SipFramerError error, string headers)
    {
        using var h = new SipStackHarness();
        await h.Stack.OnFramingErrorAsync(error, Encoding.UTF8.GetBytes(headers), Stream, CancellationToken.None);
        return h.Transport.Sent.Count == 0 ? null : Assert.Single(h.Transport.Sent);
    }

    [Fact]
    public async Task OnFramingErrorAsync_MissingContentLength_400OverSameConnection()
    {
        var sent = await AnswerAsync(SipFramerError.MissingContentLength, Headers());
        Assert.NotNull(sent);
        using var r = sent.Parse();
        Assert.Equal(400, r.StatusCode);
        Assert.Equal("Missing Content-Length", r.ReasonPhrase);
        Assert.Equal("framing-1", r.CallId);
        Assert.NotNull(r.ToTag);
        Assert.Equal(SipTransportKind.Tcp, sent.Destination.Transport);
        Assert.Equal(42, sent.Destination.ConnectionId);
        Assert.Equal(SipStackHarness.Phone, sent.Destination.Remote);
        Assert.Contains("received=203.0.113.5", r.GetHeader(SipHeaderId.Via), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnFramingErrorAsync_BodyTooLarge_413()
    {
        var sent = await AnswerAsync(SipFramerError.BodyTooLarge, Headers("Content-Length: 100000\r\n"));
        Assert.NotNull(sent);
        using var r = sent.Parse();
        Assert.Equal(413, r.StatusCode);
        Assert.Equal("Request Entity Too Large", r.ReasonPhrase);
    }

    [Fact]
    public async Task OnFramingErrorAsync_MessageTooLarge_513()
    {
        var sent = await AnswerAsync(SipFramerError.MessageTooLarge, Headers("Content-Length: 16000\r\n"));
        Assert.NotNull(sent);
        using var r = sent.Parse();
        Assert.Equal(513, r.StatusCode);
        Assert.Equal("Message Too Large", r.ReasonPhrase);
    }

    [Fact]
    public async Task OnFramingErrorAsync_HeaderSectionCutMidLine_513FromCompleteLines()
    {
        // The framer hands over the first 16 KiB of a header section that never ends: the last line is cut.
        var padding = "X-Pad: " + new string('a', 250) + "\r\n";
        var text = Headers().TrimEnd('\r', '\n') + "\r\n" + string.Concat(Enumerable.Repeat(padding, 80));
        text = text[..(16 * 1024)];
        var sent = await AnswerAsync(SipFramerError.HeaderSectionTooLarge, text);
        Assert.NotNull(sent);
        using var r = sent.Parse();
        Assert.Equal(513, r.StatusCode);
        Assert.Equal("Header Section Too Large", r.ReasonPhrase);
    }

    [Theory]
    [InlineData(SipFramerError.MalformedContentLength, "Content-Length: abc\r\n", "Malformed Content-Length")]
    [InlineData(SipFramerError.ConflictingContentLength, "Content-Length: 0\r\nl: 5\r\n", "Conflicting Content-Length")]
    public async Task OnFramingErrorAsync_BadContentLength_400NamingIt(SipFramerError error, string extra, string reason)
    {
        var sent = await AnswerAsync(error, Headers(extra));
        Assert.NotNull(sent);
        _ = SipMessageParser.TryParse(sent.Bytes, SipLimits.Default, out var r, out _);
        using (r)
        {
            Assert.NotNull(r);
            Assert.Equal(400, r.StatusCode);
            Assert.Equal(reason, r.ReasonPhrase);
            Assert.Equal("framing-1", r.CallId);
        }
    }

    [Fact]
    public async Task OnFramingErrorAsync_NoEssentials_NothingSentAndCounted()
    {
        using var h = new SipStackHarness();
        var bytes = Encoding.UTF8.GetBytes("OPTIONS sip:1000@pbx.example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKx\r\n\r\n");
        await h.Stack.OnFramingErrorAsync(SipFramerError.MissingContentLength, bytes, Stream, CancellationToken.None);
        Assert.Empty(h.Transport.Sent);
        Assert.Equal(1, h.Stack.Statistics.Dropped);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage without line ends")]
    [InlineData("SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n")]
    [InlineData("ACK sip:1000@pbx.example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 ACK\r\n\r\n")]
    public async Task OnFramingErrorAsync_NotAnswerable_NothingSent(string headers)
    {
        Assert.Null(await AnswerAsync(SipFramerError.MissingContentLength, headers));
    }

    [Fact]
    public async Task OnFramingErrorAsync_SendFails_DoesNotThrow()
    {
        using var h = new SipStackHarness();
        h.Transport.FailSends = true;
        await h.Stack.OnFramingErrorAsync(SipFramerError.MissingContentLength, Encoding.UTF8.GetBytes(Headers()), Stream, CancellationToken.None);
        Assert.Single(h.Transport.Sent);
    }
}
