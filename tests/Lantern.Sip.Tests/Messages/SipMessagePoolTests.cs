using System.Text;
using Lantern.Sip.Messages;

namespace Lantern.Sip.Tests.Messages;

public sealed class SipMessagePoolTests
{
    private static readonly byte[] Options = Encoding.ASCII.GetBytes(
        "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\n" +
        "Call-ID: first\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");

    private static readonly byte[] Notify = Encoding.ASCII.GetBytes(
        "NOTIFY sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK2\r\nFrom: <sip:x@y>;tag=2\r\nTo: <sip:a@b>;tag=3\r\n" +
        "Call-ID: second\r\nCSeq: 7 NOTIFY\r\nEvent: message-summary\r\nContent-Length: 0\r\n\r\n");

    private static SipMessage Parse(byte[] bytes, SipMessagePool pool)
    {
        Assert.True(SipMessageParser.TryParse(bytes, SipLimits.Default, pool, out var m, out var e), e.ToString());
        return m!;
    }

    [Fact]
    public void Disposed_IsReused_WithNothingOfThePreviousMessage()
    {
        var pool = new SipMessagePool();
        var first = Parse(Options, pool);
        Assert.Equal("first", first.CallId);
        first.Dispose();

        var second = Parse(Notify, pool);
        Assert.Same(first, second);
        Assert.Equal(1, pool.Created);
        Assert.Equal("second", second.CallId);
        Assert.Equal(SipMethod.Notify, second.Method);
        Assert.Equal("3", second.ToTag);
        Assert.Equal(7, second.CSeq.Number);
        Assert.Equal("message-summary", second.GetHeader(SipHeaderId.Event));
    }

    [Fact]
    public void Disposed_ReadsThrow_AndASecondDisposeDoesNotPoolItTwice()
    {
        var pool = new SipMessagePool();
        var message = Parse(Options, pool);
        message.Dispose();
        message.Dispose();
        Assert.False(message.IsLive);
        Assert.Throws<ObjectDisposedException>(() => message.CallId);
        Assert.Throws<ObjectDisposedException>(() => message.GetHeader(SipHeaderId.CSeq));
        Assert.Throws<ObjectDisposedException>(() => message.Body);
        Assert.Equal(1, pool.Idle);

        // Two messages in flight at once are two instances.
        var a = Parse(Options, pool);
        var b = Parse(Notify, pool);
        Assert.NotSame(a, b);
        Assert.Equal("first", a.CallId);
        Assert.Equal("second", b.CallId);
    }

    [Fact]
    public void LargerThanItsBuffer_BorrowsFromTheSharedPool_AndStaysPooled()
    {
        var pool = new SipMessagePool();
        var body = new string('x', SipMessagePool.BufferBytes);
        var large = Encoding.ASCII.GetBytes(
            "NOTIFY sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK2\r\nFrom: <sip:x@y>;tag=2\r\nTo: <sip:a@b>;tag=3\r\n" +
            $"Call-ID: large\r\nCSeq: 7 NOTIFY\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        var message = Parse(large, pool);
        Assert.Equal(body.Length, message.Body.Length);
        message.Dispose();
        var next = Parse(Options, pool);
        Assert.Same(message, next);
        Assert.Equal("first", next.CallId);
    }
}
