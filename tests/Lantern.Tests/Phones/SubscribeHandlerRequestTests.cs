using System.Text;
using Lantern.Phones;
using Lantern.Sip.Messages;

namespace Lantern.Tests.Phones;

public sealed class SubscribeHandlerRequestTests
{
    [Theory]
    [InlineData("Contact: <sip:1001@192.0.2.7:5062;transport=UDP>", "sip:1001@192.0.2.7:5062;transport=UDP", true)]
    [InlineData("Contact: \"Desk\" <sip:1001@192.0.2.7:5062>;expires=60", "sip:1001@192.0.2.7:5062", true)]
    [InlineData("Contact: sip:1001@192.0.2.7:5062;expires=60", "sip:1001@192.0.2.7:5062", true)]
    [InlineData("Contact: <sip:1001@192.0.2.8:5062>", "sip:1001@192.0.2.7:5062", false)]
    [InlineData("Contact: <sip:1001@192.0.2.7:5062;transport=tcp>", "sip:1001@192.0.2.7:5062", false)]
    [InlineData("X-Other: 1", "sip:1001@192.0.2.7:5062", false)]
    public void SameTarget_OnlyForTheDialogsTargetAsOnTheWire(string contactLine, string target, bool same) =>
        Assert.Equal(same, SubscribeHandler.SameTarget(Parse(contactLine + "\r\nEvent: message-summary"), target));

    [Theory]
    [InlineData("Event: message-summary", true)]
    [InlineData("Event:  Message-Summary ", true)]
    [InlineData("Event: message-summary;id=7", true)]
    [InlineData("Event: presence", false)]
    [InlineData("Event: message-summary-x", false)]
    [InlineData("X-Event: message-summary", false)]
    public void IsMessageSummary_PlainPackageWithoutParsing_OthersAsParsed(string line, bool expected) =>
        Assert.Equal(expected, SubscribeHandler.IsMessageSummary(Parse(line)));

    [Theory]
    [InlineData("Accept: application/simple-message-summary", true)]
    [InlineData("Accept: text/plain, application/simple-message-summary;q=0.5", true)]
    [InlineData("Accept: text/plain\r\nAccept: application/simple-message-summary", true)]
    [InlineData("Accept: application/*", true)]
    [InlineData("Accept: text/plain", false)]
    [InlineData("X-Other: 1", true)]
    public void AcceptsSummary_PlainTypeWithoutSplitting_OthersAsSplit(string line, bool expected) =>
        Assert.Equal(expected, SubscribeHandler.AcceptsSummary(Parse(line)));

    private static SipMessage Parse(string lines)
    {
        var text = "SUBSCRIBE sip:1001@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK1\r\nFrom: <sip:1001@example.com>;tag=a\r\n" +
            "To: <sip:1001@example.com>;tag=b\r\nCall-ID: c1\r\nCSeq: 2 SUBSCRIBE\r\n" + lines + "\r\nContent-Length: 0\r\n\r\n";
        Assert.True(SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), SipLimits.Default, out var request, out var error), error.ToString());
        return request!;
    }
}
