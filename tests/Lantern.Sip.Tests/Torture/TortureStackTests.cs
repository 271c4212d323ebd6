using Lantern.Sip.Stack;
using Lantern.Sip.Tests.Stack;
using Lantern.Sip.Transport;

namespace Lantern.Sip.Tests.Torture;

/// <summary>Every torture message as one UDP datagram into a <see cref="SipStack"/> with no handlers: the answer the RFC asks
/// for (REGISTER, which <c>lantern serve</c> hands to its registrar, gets 405 here), and the stack still answering afterwards.</summary>
public sealed class TortureStackTests
{
    public static TheoryData<string> Names => TortureManifest.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Stack_AnswersAsRfcSays(string name)
    {
        var c = TortureManifest.Get(name);
        using var h = new SipStackHarness();
        var bytes = TortureCorpus.Bytes(c);
        h.Stack.OnMessage(bytes, new SipSource(SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0));
        var sent = h.Transport.Sent;
        if (c.SentBy is null)
        {
            Assert.Empty(sent);
        }
        else
        {
            // Only the status line is read: a 400 echoes the request's broken headers, which our own parser refuses too.
            var statusLine = Assert.Single(sent).Text.Split("\r\n")[0];
            var code = int.Parse(statusLine.AsSpan(8, 3), System.Globalization.CultureInfo.InvariantCulture);
            var expected = c.Class is TortureClass.Valid or TortureClass.Answer && bytes.AsSpan().StartsWith("REGISTER "u8) ? [405] : c.Codes;
            Assert.True(Array.IndexOf(expected, code) >= 0, $"{c}: answered {statusLine}; RFC: {c.Rule}");
            Assert.NotEqual("SIP/2.0 400 Bad Request", statusLine);
        }

        h.Transport.Clear();
        h.Receive(SipStackHarness.Request("OPTIONS", branch: "z9hG4bKalive", callId: "alive-after-" + name));
        using var alive = h.SingleResponse();
        Assert.Equal(200, alive.StatusCode);
    }
}
