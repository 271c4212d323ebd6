using Lantern.Phones;
using Lantern.Sip.Transport;

namespace Lantern.Tests.Phones;

public sealed class SubscriptionStringsTests
{
    private static SubscriptionDialog Dialog(string address, string contact, IReadOnlyList<string> routes) =>
        new("c1", "lt", "rt", "sip:a@x", "sip:a@x", "sip:a@192.0.2.1", routes, SipTransportKind.Udp, address, 5060, 0, contact);

    [Fact]
    public void Share_EqualValues_OneInstance()
    {
        var strings = new SubscriptionStrings();
        var a = strings.Share(Dialog(new string("10.0.0.1"), new string("<sip:10.0.0.9>"), new List<string>()));
        var b = strings.Share(Dialog(new string("10.0.0.1"), new string("<sip:10.0.0.9>"), new List<string>()));

        Assert.Same(a.RemoteAddress, b.RemoteAddress);
        Assert.Same(a.LocalContact, b.LocalContact);
        Assert.Same(a.RouteSet, b.RouteSet);
        Assert.Empty(a.RouteSet);
        Assert.Equal("10.0.0.1", b.RemoteAddress);
        Assert.Equal("<sip:10.0.0.9>", b.LocalContact);
    }

    [Fact]
    public void Share_NothingToShare_SameDialog()
    {
        var strings = new SubscriptionStrings();
        var first = strings.Share(Dialog("10.0.0.1", "<sip:10.0.0.9>", ["<sip:proxy;lr>"]));
        var again = strings.Share(first);

        Assert.Same(first, again);
        Assert.Equal(["<sip:proxy;lr>"], again.RouteSet);
    }

    [Fact]
    public void Share_BeyondCapacity_KeepsValuesWithoutGrowing()
    {
        var strings = new SubscriptionStrings();
        for (var i = 0; i < SubscriptionStrings.Capacity + 100; i++)
        {
            strings.Share("v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var late = new string("late");
        Assert.Same(late, strings.Share(late));
        Assert.Equal(SubscriptionStrings.Capacity, strings.Count);
    }
}
