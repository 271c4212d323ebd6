using System.Text;
using Lantern.Sip.Messages;
using Lantern.Upstreams;

namespace Lantern.Tests.Upstreams;

public sealed class UpstreamSipMessagesTests
{
    private static SipMessage Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
        Assert.True(SipMessageParser.TryParse(bytes, SipLimits.Default, out var message, out var error), error.ToString());
        return message!;
    }

    [Fact]
    public void BuildSubscribe_InDialog_CarriesTagsRoutesExpiresAndProxyAuthorization()
    {
        var request = new UpstreamSubscribeRequest(
            UpstreamHarness.Definition(), "sip:upstream@192.0.2.1:5060", "abc@lantern", "lt", "rt", 7, 0, "sip:upstream@192.0.2.1:5060",
            ["<sip:p1.example;lr>", "<sip:p2.example;lr>"], "Digest username=\"mwi\"", ProxyAuthorization: true);

        var bytes = UpstreamSipMessages.BuildSubscribe(request, "sip:mwi@127.0.0.1:5070").AddHeader(SipHeaderId.Via, "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx").ToArray();
        Assert.True(SipMessageParser.TryParse(bytes, SipLimits.Default, out var m, out var error), error.ToString());
        using var message = m!;

        Assert.Equal("sip:upstream@192.0.2.1:5060", message.RequestUriText);
        Assert.Equal("lt", message.FromTag);
        Assert.Equal("rt", message.ToTag);
        Assert.Equal(new CSeq(7, SipMethod.Subscribe, "SUBSCRIBE"), message.CSeq);
        Assert.Equal(["<sip:p1.example;lr>", "<sip:p2.example;lr>"], message.GetHeaders(SipHeaderId.Route));
        Assert.Equal("message-summary", message.GetHeader(SipHeaderId.Event));
        Assert.Equal("application/simple-message-summary", message.GetHeader(SipHeaderId.Accept));
        Assert.True(message.TryGetExpires(out var expires));
        Assert.Equal(0, expires);
        Assert.Equal("Digest username=\"mwi\"", message.GetHeader(SipHeaderId.ProxyAuthorization));
        Assert.Null(message.GetHeader(SipHeaderId.Authorization));
        Assert.Contains("sip:mwi@192.0.2.1", message.FromText, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadResponse_200_TagContactExpiresAndRecordRoute()
    {
        using var m = Parse("""
            SIP/2.0 200 OK
            Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx
            From: <sip:mwi@192.0.2.1>;tag=lt
            To: <sip:mwi@192.0.2.1>;tag=srv
            Call-ID: abc
            CSeq: 1 SUBSCRIBE
            Contact: <sip:upstream@192.0.2.1:5099;transport=tcp>
            Record-Route: <sip:p1.example;lr>, <sip:p2.example;lr>
            Record-Route: <sip:p3.example;lr>
            Expires: 1800
            Content-Length: 0


            """);

        var r = UpstreamSipMessages.ReadResponse(m);

        Assert.Equal(200, r.StatusCode);
        Assert.Equal("srv", r.RemoteTag);
        Assert.Equal(1800, r.Expires);
        Assert.Equal("sip:upstream@192.0.2.1:5099;transport=tcp", r.RemoteTarget);
        Assert.Equal(["<sip:p1.example;lr>", "<sip:p2.example;lr>", "<sip:p3.example;lr>"], r.RecordRoute);
    }

    [Fact]
    public void ReadResponse_401And423And503_ChallengesMinExpiresRetryAfter()
    {
        const string Head = "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx\nFrom: <sip:a@b>;tag=1\nTo: <sip:a@b>;tag=2\nCall-ID: c\nCSeq: 1 SUBSCRIBE\n";
        using var challenge = Parse("SIP/2.0 401 Unauthorized\n" + Head + "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\", algorithm=MD5\nContent-Length: 0\n\n");
        using var brief = Parse("SIP/2.0 423 Interval Too Brief\n" + Head + "Min-Expires: 600\nContent-Length: 0\n\n");
        using var busy = Parse("SIP/2.0 503 Service Unavailable\n" + Head + "Retry-After: 30 (maintenance)\nContent-Length: 0\n\n");

        Assert.Equal(2, UpstreamSipMessages.ReadResponse(challenge).Challenges!.Count);
        Assert.Equal(600, UpstreamSipMessages.ReadResponse(brief).MinExpires);
        Assert.Equal(30, UpstreamSipMessages.ReadResponse(busy).RetryAfter);
    }

    [Fact]
    public void ReadNotify_CopiesBodyAndDialogFields()
    {
        using var m = Parse("""
            NOTIFY sip:mwi@127.0.0.1:5070 SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKn
            From: <sip:mwi@192.0.2.1>;tag=srv
            To: <sip:mwi@192.0.2.1>;tag=lt
            Call-ID: abc
            CSeq: 3 NOTIFY
            Contact: <sip:upstream@192.0.2.1:5060>
            Event: message-summary
            Subscription-State: active;expires=3500
            Content-Type: application/simple-message-summary
            Content-Length: 21

            Messages-Waiting: yes
            """);

        var n = UpstreamSipMessages.ReadNotify(m);

        Assert.Equal(("abc", "srv", "lt", 3L), (n.CallId, n.FromTag, n.ToTag, n.CSeq));
        Assert.Equal("active;expires=3500", n.SubscriptionState);
        Assert.Equal("sip:upstream@192.0.2.1:5060", n.Contact);
        Assert.Equal("Messages-Waiting: yes", Encoding.ASCII.GetString(n.Body.Span));
    }
}
