using Lantern.Mailboxes;
using Lantern.Phones;

namespace Lantern.Tests.Phones;

/// <summary>The notifier's in-flight window (issue 13, fan-out to 100,000): a change to a mailbox with many subscribers puts at
/// most <see cref="PhonesSettings.MaxNotifiesInFlight"/> NOTIFYs on the wire, the next going as each is answered, and one left
/// unanswered past <see cref="PhonesSettings.NotifySlotHold"/> gives its slot to the next.</summary>
public sealed class NotifyWindowTests
{
    private static readonly MwiTarget Target = EndpointDirectory.TargetOf(PhoneEndpoint.Create("1001", "pw", "1001@default"));

    private static async Task<SubscriptionManager> SubscribedAsync(PhonesFixture f, int window, int subscribers)
    {
        var m = f.Manager(new PhonesSettings { Domain = "example.com", MaxNotifiesInFlight = window });
        for (var i = 0; i < subscribers; i++)
        {
            // Trusted-source subscriptions (no per-endpoint bound), all on one mailbox: the fan-out case.
            var d = m.Subscribe(f.Dialog(), Target, 3600, null);
            Assert.Equal(SubscribeStatus.Accepted, d.Status);
            m.Activate(d.Subscription!);
        }

        await f.Sender.WaitForAsync(subscribers);
        return m;
    }

    [Fact]
    public async Task FanOut_SendsAtMostTheWindow_AndTheNextAsEachIsAnswered()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = await SubscribedAsync(f, window: 50, subscribers: 1000);
        f.Sender.Hold = true;

        await f.SetAsync("1001", 3);
        m.OnMailboxChanged(MailboxId.Parse("1001"));

        Assert.Equal(1000 + 50, f.Sender.Sent.Count);
        Assert.Equal(50, f.Sender.HeldCount);
        Assert.Equal(950, m.NotifiesWaiting);
        for (var answered = 1; answered <= 1000; answered++)
        {
            Assert.True(f.Sender.Release());
            await f.Sender.WaitForAsync(Math.Min(1000 + 50 + answered, 2000));
            Assert.True(f.Sender.HeldCount <= 50, $"{f.Sender.HeldCount} NOTIFYs in flight after {answered} answers");
        }

        var updates = f.Sender.Sent.Skip(1000).ToList();
        Assert.Equal(1000, updates.Count);
        Assert.Equal(1000, updates.Select(n => n.Dialog!.CallId).Distinct().Count());
        Assert.All(updates, n => Assert.Equal(3, n.New));
        Assert.Equal(0, m.NotifiesWaiting);
        await WaitForNoneInFlightAsync(m);
    }

    [Fact]
    public async Task UnansweredNotifies_GiveTheirSlotsAfterTheHold_AndTakeOneAgainForTheirNextNotify()
    {
        await using var f = await PhonesFixture.CreateAsync();
        var m = await SubscribedAsync(f, window: 10, subscribers: 30);
        f.Sender.Hold = true;

        await f.SetAsync("1001", 1);
        m.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Equal(30 + 10, f.Sender.Sent.Count);

        // The first ten stay unanswered (dead phones): after the hold the next ten go, then the last ten.
        f.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(30 + 10, f.Sender.Sent.Count);
        f.Time.Advance(TimeSpan.FromMilliseconds(1));
        await f.Sender.WaitForAsync(30 + 20);
        Assert.Equal(30 + 20, f.Sender.Sent.Count);
        f.Time.Advance(TimeSpan.FromMilliseconds(500));
        await f.Sender.WaitForAsync(30 + 30);
        Assert.Equal(0, m.NotifiesWaiting);

        // Answer all 30, then change again: every slot came back, so the window is ten again, not more or fewer.
        while (f.Sender.Release())
        {
        }

        await WaitForNoneInFlightAsync(m);
        await f.SetAsync("1001", 2);
        m.OnMailboxChanged(MailboxId.Parse("1001"));
        Assert.Equal(60 + 10, f.Sender.Sent.Count);
        Assert.Equal(20, m.NotifiesWaiting);
        for (var i = 0; i < 30; i++)
        {
            await f.Sender.WaitForAsync(60 + Math.Min(30, 10 + i));
            Assert.True(f.Sender.Release());
        }

        await f.Sender.WaitForAsync(90);
        Assert.Equal(90, f.Sender.Sent.Count);
        Assert.All(f.Sender.Sent.Skip(60), n => Assert.Equal(2, n.New));
        await WaitForNoneInFlightAsync(m);
    }

    private static async Task WaitForNoneInFlightAsync(SubscriptionManager m)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (m.NotifiesInFlight > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
        }

        Assert.Equal(0, m.NotifiesInFlight);
    }
}
