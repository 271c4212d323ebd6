using System.Net;
using Lantern.Phones;
using Lantern.Sip.Transport;

namespace Lantern.Tests.Phones;

public sealed class LocalContactsTests
{
    private static readonly SipListenerEndPoint[] Listeners =
    [
        new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5070)),
        new(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5070)),
        new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("fd00::2"), 5070)),
    ];

    [Theory]
    [InlineData(SipTransportKind.Udp, "192.0.2.7", "<sip:10.0.0.1:5060>", "<sip:10.0.0.2:5070>")]
    [InlineData(SipTransportKind.Tcp, "192.0.2.7", "<sip:10.0.0.1:5060;transport=tcp>", "<sip:10.0.0.2:5070;transport=tcp>")]
    [InlineData(SipTransportKind.Udp, "2001:db8::7", "<sip:[fd00::1]:5060>", "<sip:[fd00::2]:5070>")]
    [InlineData(SipTransportKind.Udp, "192.0.2.7", "<sip:10.0.0.2:5070>", null)]
    [InlineData(SipTransportKind.Tls, "192.0.2.7", "<sips:10.0.0.1:5061>", null)]
    public void ForAdopted_AnotherNodesContact_BecomesThisNodesListenerOfTheDialogsTransportAndFamily(SipTransportKind transport, string phone, string stored, string? expected)
    {
        var contacts = new LocalContacts(() => Listeners, "example.com");
        var dialog = new SubscriptionDialog("c", "l", "r", "sip:1001@example.com", "sip:1001@example.com", "sip:1001@" + phone, ["<sip:lb;lr>"], transport, phone, 5060, 0, stored);

        Assert.Equal(expected, contacts.ForAdopted(dialog));
    }
}
