using System.Net;
using System.Text;
using Lantern.Peers;
using Lantern.Sip.Messages;

namespace Lantern.Tests.Peers;

public sealed class PeerSipMessagesTests
{
    private static SipMessage Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
        Assert.True(SipMessageParser.TryParse(bytes, SipLimits.Default, out var message, out var error), error.ToString());
        return message!;
    }

    [Fact]
    public void ReadRequest_Publish_TakesExpiresIfMatchAndBody()
    {
        using var m = Parse("""
            PUBLISH sip:4123@lantern.test SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKp
            From: <sip:voicemail@lantern.test>;tag=1
            To: <sip:4123@lantern.test>
            Call-ID: p1
            CSeq: 1 PUBLISH
            Event: message-summary
            Expires: 600
            SIP-If-Match: abc123
            Content-Type: application/simple-message-summary
            Content-Length: 21

            Messages-Waiting: yes
            """);

        Assert.True(PeerSipMessages.Claims(m));
        var r = PeerSipMessages.ReadRequest(m, IPAddress.Parse("192.0.2.10"));

        Assert.Equal(PeerMethod.Publish, r.Method);
        Assert.Equal("600", r.Expires);
        Assert.Equal("abc123", r.SipIfMatch);
        Assert.Equal("message-summary", r.Event);
        Assert.Equal(21, r.Body.Length);
    }

    [Fact]
    public void Claims_InDialogNotify_No()
    {
        using var m = Parse("""
            NOTIFY sip:a@b SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKp
            From: <sip:v@b>;tag=1
            To: <sip:a@b>;tag=2
            Call-ID: n1
            CSeq: 1 NOTIFY
            Content-Length: 0


            """);

        Assert.False(PeerSipMessages.Claims(m));
    }

    [Fact]
    public void AddHeaders_KeepsEveryChallengeAsItsOwnHeader()
    {
        var response = new PeerResponse(401, "Unauthorized", [new("WWW-Authenticate", "Digest a"), new("WWW-Authenticate", "Digest b")]);

        var b = PeerSipMessages.AddHeaders(SipMessageBuilder.Response(401, response.Reason), response);

        Assert.Equal(2, b.Headers.Count(h => h.Key == "WWW-Authenticate"));
    }
}
