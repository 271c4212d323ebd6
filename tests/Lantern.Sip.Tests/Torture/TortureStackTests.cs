using System.Globalization;
using Lantern.Sip.Stack;
using Lantern.Sip.Tests.Stack;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Torture;

/// <summary>Every RFC 4475 torture message as one UDP datagram into a <see cref="SipStack"/>: the answer class the RFC asks
/// for, and the stack still answering afterwards.</summary>
public sealed class TortureStackTests
{
    [Theory]
    [InlineData("wsinv")]
    [InlineData("intmeth")]
    [InlineData("esc01")]
    [InlineData("escnull")]
    [InlineData("esc02")]
    [InlineData("lwsdisp")]
    [InlineData("longreq")]
    [InlineData("dblreq")]
    [InlineData("semiuri")]
    [InlineData("transports")]
    [InlineData("mpart01")]
    [InlineData("unreason")]
    [InlineData("noreason")]
    [InlineData("badinv01")]
    [InlineData("clerr")]
    [InlineData("ncl")]
    [InlineData("scalar02")]
    [InlineData("scalarlg")]
    [InlineData("quotbal")]
    [InlineData("ltgtruri")]
    [InlineData("lwsruri")]
    [InlineData("lwsstart")]
    [InlineData("trws")]
    [InlineData("escruri")]
    [InlineData("baddate")]
    [InlineData("regbadct")]
    [InlineData("badaspec")]
    [InlineData("baddn")]
    [InlineData("badvers")]
    [InlineData("mismatch01")]
    [InlineData("mismatch02")]
    [InlineData("bigcode")]
    [InlineData("badbranch")]
    [InlineData("insuf")]
    [InlineData("unkscm")]
    [InlineData("novelsc")]
    [InlineData("unksm2")]
    [InlineData("bext01")]
    [InlineData("invut")]
    [InlineData("regaut01")]
    [InlineData("multi01")]
    [InlineData("mcl01")]
    [InlineData("bcast")]
    [InlineData("zeromf")]
    [InlineData("cparam01")]
    [InlineData("cparam02")]
    [InlineData("regescrt")]
    [InlineData("sdp01")]
    [InlineData("inv2543")]
    public void Stack_AnswersAsRfcSays(string name)
    {
        var c = TortureManifest.Get(name);
        using var h = new SipStackHarness();
        h.Stack.OnMessage(TortureCorpus.Bytes(c), new SipSource(SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0));
        var sent = h.Transport.Sent;
        var isResponse = c.Class == TortureClass.Discard || StartsWithSip(TortureCorpus.Bytes(c));
        if (isResponse)
        {
            Assert.Empty(sent);
        }
        else
        {
            // Read from the start line: a 400 to a request without From/To/Call-ID lacks them too, so it is no full message.
            var text = Assert.Single(sent).Text;
            var status = int.Parse(text.AsSpan(8, 3), CultureInfo.InvariantCulture);
            var allowed = c.Class == TortureClass.ParseOk
                ? (status is >= 200 and < 300 or 405 or 501) || Array.IndexOf(c.Codes, status) >= 0
                : Array.IndexOf(c.Codes, status) >= 0;
            Assert.True(allowed, $"{c.Section} {c.Name}: answered {text[..text.IndexOf('\r', StringComparison.Ordinal)]}, RFC: {c.Reason}");
        }

        h.Transport.Clear();
        h.Receive(SipStackHarness.Request("OPTIONS", branch: "z9hG4bKalive", callId: "alive-after-" + name));
        using var alive = h.SingleResponse();
        Assert.Equal(200, alive.StatusCode);
    }

    private static bool StartsWithSip(byte[] bytes) => bytes.AsSpan().StartsWith("SIP/2.0 "u8);
}
