using System.Text;
using Lantern.Phones;
using Lantern.Sip.Messages;

namespace Lantern.Tests.Phones;

public sealed class SubscribeHandlerTargetTests
{
    [Theory]
    [InlineData("Contact: <sip:1001@192.0.2.7:5062;transport=UDP>", "sip:1001@192.0.2.7:5062;transport=UDP", true)]
    [InlineData("Contact: \"Desk\" <sip:1001@192.0.2.7:5062>;expires=60", "sip:1001@192.0.2.7:5062", true)]
    [InlineData("Contact: sip:1001@192.0.2.7:5062;expires=60", "sip:1001@192.0.2.7:5062", true)]
    [InlineData("Contact: <sip:1001@192.0.2.8:5062>", "sip:1001@192.0.2.7:5062", false)]
    [InlineData("Contact: <sip:1001@192.0.2.7:5062;transport=tcp>", "sip:1001@192.0.2.7:5062", false)]
    [InlineData("X-Other: 1", "sip:1001@192.0.2.7:5062", false)]
    public void SameTarget_OnlyForTheDialogsTargetAsOnTheWire(string contactLine, string target, bool same)
    {
        var text = "SUBSCRIBE sip:1001@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1\r\nFrom: <sip:1001@example.com>;tag=a\r\n" +
            "To: <sip:1001@example.com>;tag=b\r\nCall-ID: c1\r\nCSeq: 2 SUBSCRIBE\r\n" + contactLine + "\r\nEvent: message-summary\r\nContent-Length: 0\r\n\r\n";
        Assert.True(SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), SipLimits.Default, out var request, out var error), error.ToString());

        Assert.Equal(same, SubscribeHandler.SameTarget(request!, target));
    }
}
