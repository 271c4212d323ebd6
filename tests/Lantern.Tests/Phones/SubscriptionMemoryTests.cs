using Lantern.Mailboxes;
using Lantern.Phones;
using Lantern.Sip.Transport;

namespace Lantern.Tests.Phones;

public sealed class SubscriptionMemoryTests
{
    [Fact]
    public async Task LiveSubscriptions_RetainUnder2KiBEach()
    {
        const int count = 20_000;
        await using var f = await PhonesFixture.CreateAsync();
        var m = f.Manager();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var dialogs = new SubscriptionDialog[count];
        var targets = new MwiTarget[count];
        for (var i = 0; i < count; i++)
        {
            // Strings as the SIP handler makes them: fresh per request, not shared literals.
            var user = "m" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var uri = "sip:" + user + "@127.0.0.1";
            dialogs[i] = new SubscriptionDialog(
                i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-28748@127.0.0.1", Guid.NewGuid().ToString("N")[..16], i + "SIPpTag00" + i,
                uri, uri, uri + ":5060;transport=UDP", [], SipTransportKind.Udp, "127.0.0.1", 5060, 0, "<sip:127.0.0.1:5060>");
            targets[i] = EndpointDirectory.SingleMailbox(null, MailboxId.Parse(user));
        }

        for (var i = 0; i < count; i++)
        {
            var d = m.Subscribe(dialogs[i], targets[i], 3600, null);
            m.Activate(d.Subscription!);
        }

        dialogs = null!;
        targets = null!;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        var perSubscription = (after - before) / (double)count;
        Assert.Equal(count, m.Count);
        Assert.True(perSubscription < 2048, $"{perSubscription:F0} bytes per subscription");
    }
}
