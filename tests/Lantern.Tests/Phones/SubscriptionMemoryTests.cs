using Lantern.Mailboxes;
using Lantern.Phones;
using Lantern.Sip.Transport;

namespace Lantern.Tests.Phones;

[Collection(MemoryMeasurementGroup.Name)]
public sealed class SubscriptionMemoryTests
{
    [Fact]
    public async Task LiveSubscriptions_RetainUnder1500BytesEach()
    {
        const int count = 20_000;
        await using var f = await PhonesFixture.CreateAsync();
        // A sender that keeps nothing: the fixture's records every NOTIFY, which is test memory, not the manager's.
        await using var m = new SubscriptionManager(new ForgetfulSender(), f.Mailboxes, new PhonesSettings { Domain = "example.com" }, null, f.Time, f.Metrics,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var dialogs = new SubscriptionDialog[count];
        var targets = new MwiTarget[count];
        for (var i = 0; i < count; i++)
        {
            // Strings as the SIP handler makes them: fresh per request, not shared literals (the address and our Contact too).
            var user = "m" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var uri = "sip:" + user + "@127.0.0.1";
            dialogs[i] = new SubscriptionDialog(
                i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-28748@127.0.0.1", Guid.NewGuid().ToString("N")[..16], i + "SIPpTag00" + i,
                uri, uri, uri + ":5060;transport=UDP", new List<string>(), SipTransportKind.Udp, System.Net.IPAddress.Loopback.ToString(), 5060, 0,
                "<sip:127.0.0.1:" + (5060 + (i % 1)).ToString(System.Globalization.CultureInfo.InvariantCulture) + ">");
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
        Assert.True(perSubscription < 1500, $"{perSubscription:F0} bytes per subscription");
    }

    [Fact]
    public async Task EndedSubscriptions_LeaveNothingQueued()
    {
        // subscribe.xml's cycle (subscribe, refresh, unsubscribe) under sustained load grew RSS by ~1.7 KB per cycle: each expiry
        // stayed queued for its full hour, holding the ended subscription.
        const int count = 20_000;
        await using var f = await PhonesFixture.CreateAsync();
        await using var m = new SubscriptionManager(new ForgetfulSender(), f.Mailboxes, new PhonesSettings { Domain = "example.com" }, null, f.Time, f.Metrics,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        RunCycles(m, 0, 1_000);
        await WaitUntilAllEndedAsync(m);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        RunCycles(m, 1_000, count);
        await WaitUntilAllEndedAsync(m);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(0, m.Count);
        Assert.Equal(0, m.ScheduledDeadlines);
        var perCycle = (after - before) / (double)count;
        Assert.True(perCycle < 100, $"{perCycle:F0} bytes retained per ended subscription");
    }

    private static void RunCycles(SubscriptionManager m, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            var user = "m" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var uri = "sip:" + user + "@127.0.0.1";
            var callId = i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-cycle@127.0.0.1";
            var dialog = new SubscriptionDialog(callId, "l" + i, "r" + i, uri, uri, uri + ":5060", new List<string>(), SipTransportKind.Udp, "127.0.0.1", 5060, 0);
            var sub = m.Subscribe(dialog, EndpointDirectory.SingleMailbox(null, MailboxId.Parse(user)), 3600, null).Subscription!;
            m.Activate(sub);
            m.Activate(m.Refresh(callId, "l" + i, "r" + i, 3600, null).Subscription!);
            m.Activate(m.Refresh(callId, "l" + i, "r" + i, 0, null).Subscription!);
        }
    }

    private static async Task WaitUntilAllEndedAsync(SubscriptionManager m)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (m.Count > 0 || m.NotifiesInFlight > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{m.Count} subscriptions still live");
            await Task.Delay(10);
        }
    }

    /// <summary>Answers every NOTIFY 200 and remembers none of them.</summary>
    private sealed class ForgetfulSender : IMwiNotifySender
    {
        public ValueTask<NotifyOutcome> SendInDialogAsync(SubscriptionDialog dialog, long cseq, string subscriptionState, MwiSnapshot state, CancellationToken cancellationToken) =>
            ValueTask.FromResult(NotifyOutcome.FromStatus(200, "OK"));

        public ValueTask<NotifyOutcome> SendUnsolicitedAsync(ContactBinding contact, MwiSnapshot state, CancellationToken cancellationToken) =>
            ValueTask.FromResult(NotifyOutcome.FromStatus(200, "OK"));
    }
}
